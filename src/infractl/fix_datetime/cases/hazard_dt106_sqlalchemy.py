# infractl-case: mode=aware calls=1 refs=3 hazards=DT106@20,DT106@21,DT106@22,DT106@23
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Job(Base):
    __tablename__ = "job"
    id: Mapped[int] = mapped_column(primary_key=True)
    created = sa.Column(sa.DateTime, default=datetime.utcnow)
    updated: Mapped[datetime] = mapped_column(sa.DateTime(), onupdate=datetime.utcnow)
    seen: Mapped[datetime] = mapped_column(default=datetime.utcnow)
    done = sa.Column(sa.DateTime(timezone=False), default=lambda: datetime.utcnow())
