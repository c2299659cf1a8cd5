# infractl-case: mode=aware calls=0 refs=2 hazards=DT106@17
"""Why: DT106 when the type is not the first argument, and for `types.DateTime`."""
from datetime import datetime, timezone

from sqlalchemy import Column, Table, types


def utc_now() -> datetime:
    """Current UTC time as an aware datetime."""
    return datetime.now(timezone.utc)


def table(metadata):
    return Table(
        "events",
        metadata,
        Column("created", types.DateTime, default=utc_now),
        Column("updated", types.DateTime(timezone=True), default=utc_now),
    )
