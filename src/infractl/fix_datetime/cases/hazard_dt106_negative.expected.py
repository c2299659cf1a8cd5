# infractl-case: mode=aware calls=0 refs=3
from datetime import datetime, timezone

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utc_now() -> datetime:
    """Current UTC time as an aware datetime."""
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    pass


class Job(Base):
    __tablename__ = "job"
    id: Mapped[int] = mapped_column(primary_key=True)
    created = sa.Column(sa.DateTime(timezone=True), default=utc_now)
    updated: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), onupdate=utc_now)
    name = sa.Column(sa.String, default=utc_now)
