# infractl-case: mode=aware calls=0 refs=2 hazards=DT106@17
"""Why: DT106 when the type is not the first argument, and for `types.DateTime`."""
from datetime import datetime

from sqlalchemy import Column, Table, types


def table(metadata):
    return Table(
        "events",
        metadata,
        Column("created", types.DateTime, default=datetime.utcnow),
        Column("updated", types.DateTime(timezone=True), default=datetime.utcnow),
    )
