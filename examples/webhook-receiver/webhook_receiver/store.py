"""Persistence for events and deliveries."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from webhook_receiver.clock import utcnow
from webhook_receiver.models import Delivery, WebhookEvent


def record_event(session: Session, event: dict[str, Any], signature_valid: bool) -> WebhookEvent:
    """Store an event once; the provider re-sends until it gets a 2xx, so the first copy wins."""
    existing = session.scalar(select(WebhookEvent).where(WebhookEvent.provider_event_id == event["id"]))
    if existing is not None:
        return existing
    stored = WebhookEvent(
        provider_event_id=event["id"],
        event_type=event["type"],
        payload=event,
        signature_valid=signature_valid,
        received_at=datetime.datetime.utcnow(),
    )
    session.add(stored)
    session.flush()
    return stored


def schedule_delivery(session: Session, event: WebhookEvent, target_url: str) -> Delivery:
    delivery = Delivery(event_id=event.id, target_url=target_url, retry_after=utcnow())
    session.add(delivery)
    return delivery


def due_deliveries(session: Session, limit: int = 50, now=datetime.datetime.utcnow) -> Sequence[Delivery]:
    query = (
        select(Delivery)
        .where(Delivery.status == "pending", Delivery.retry_after <= now())
        .order_by(Delivery.retry_after)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return session.scalars(query).all()


def mark_attempt(session: Session, delivery_id: int, ok: bool, retry_after: datetime.datetime | None) -> None:
    status = "delivered" if ok else ("pending" if retry_after else "failed")
    session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id)
        .values(
            status=status,
            attempts=Delivery.attempts + 1,
            attempted_at=datetime.datetime.utcnow(),
            retry_after=retry_after,
            updated_at=datetime.datetime.utcnow(),
        )
    )
