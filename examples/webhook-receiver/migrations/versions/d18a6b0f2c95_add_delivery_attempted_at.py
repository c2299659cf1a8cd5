"""add deliveries.attempted_at, widen status

Revision ID: d18a6b0f2c95
Revises: 9c3f5e8a1b47
Create Date: 2025-03-04 11:27:03.440981

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "d18a6b0f2c95"
down_revision: Union[str, Sequence[str], None] = "9c3f5e8a1b47"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column(
        "deliveries",
        sa.Column("attempted_at", sa.DateTime(timezone=True), server_default=sa.func.clock_timestamp(), nullable=True),
    )
    op.alter_column(
        "deliveries", "status", existing_type=sa.String(length=20), type_=sa.String(length=32), existing_nullable=False
    )


def downgrade() -> None:
    op.alter_column(
        "deliveries", "status", existing_type=sa.String(length=32), type_=sa.String(length=20), existing_nullable=False
    )
    op.drop_column("deliveries", "attempted_at")
