"""received_at is set by the application

Revision ID: e2b5f8a16d93
Revises: d18a6b0f2c95
Create Date: 2025-04-22 16:48:39.075566

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "e2b5f8a16d93"
down_revision: Union[str, Sequence[str], None] = "d18a6b0f2c95"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.alter_column(
        "webhook_events", "received_at", existing_type=sa.DateTime(timezone=True), server_default=None,
        existing_nullable=False,
    )


def downgrade() -> None:
    op.alter_column(
        "webhook_events", "received_at", existing_type=sa.DateTime(timezone=True), server_default=sa.text("now()"),
        existing_nullable=False,
    )
