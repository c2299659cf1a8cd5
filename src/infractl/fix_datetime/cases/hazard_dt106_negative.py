# infractl-case: mode=aware calls=0 refs=3
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Job(Base):
    __tablename__ = "job"
    id: Mapped[int] = mapped_column(primary_key=True)
    created = sa.Column(sa.DateTime(timezone=True), default=datetime.utcnow)
    updated: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), onupdate=datetime.utcnow)
    name = sa.Column(sa.String, default=datetime.utcnow)
