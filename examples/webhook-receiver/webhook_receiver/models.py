"""ORM models: webhook events as received, and their deliveries to the merchant's endpoint."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Column, DateTime, ForeignKey, Integer, String, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class WebhookEvent(Base):
    __tablename__ = "webhook_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_event_id: Mapped[str] = mapped_column(String(64), unique=True)
    event_type: Mapped[str] = mapped_column(String(64), index=True)
    payload: Mapped[dict] = mapped_column(JSON)
    signature_valid: Mapped[bool] = mapped_column(Boolean, default=False)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # set by store.record_event
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), default=datetime.utcnow, onupdate=datetime.utcnow
    )

    deliveries: Mapped[list[Delivery]] = relationship(back_populates="event")


class Delivery(Base):
    # written before the team moved to Mapped[] annotations; left as it was
    __tablename__ = "deliveries"

    id = Column(Integer, primary_key=True)
    event_id = Column(ForeignKey("webhook_events.id", ondelete="CASCADE"), nullable=False)
    target_url = Column(String(500), nullable=False)
    status = Column(String(32), nullable=False, default="pending")
    attempts = Column(Integer, nullable=False, default=0)
    retry_after = Column(DateTime(timezone=True))
    attempted_at = Column(DateTime(timezone=True))
    created_at = Column(DateTime, default=datetime.utcnow)
    updated_at = Column(DateTime, default=datetime.utcnow, onupdate=datetime.utcnow)

    event = relationship("WebhookEvent", back_populates="deliveries")
