"""Delivery worker: forwards stored events to the merchant's endpoint, retrying with back-off."""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request
from datetime import datetime as DT

from webhook_receiver import clock
from webhook_receiver.retry import AttemptLog, RetryPolicy

try:  # optional: nicer "3 minutes ago" in the logs (arrow.utcnow() is arrow's, not datetime's)
    import arrow
except ImportError:  # pragma: no cover
    arrow = None

log = logging.getLogger(__name__)
POLICY = RetryPolicy()


def deliver(delivery, payload: dict, timeout: float = 10.0) -> AttemptLog:
    attempt = AttemptLog(delivery_id=delivery.id)
    request = urllib.request.Request(
        delivery.target_url,
        data=json.dumps(payload).encode(),
        method="POST",
        headers={
            "Content-Type": "application/json",
            "X-Delivery-Attempt": str(delivery.attempts + 1),
            "X-Sent-At": DT.utcnow().strftime("%Y-%m-%dT%H:%M:%SZ"),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            attempt.finish(status_code=response.status)
    except urllib.error.HTTPError as exc:
        attempt.finish(status_code=exc.code, error=str(exc))
    except (urllib.error.URLError, TimeoutError) as exc:
        attempt.finish(error=str(exc))
    return attempt


def describe_lag(provider_created: int) -> str:
    created = DT.utcfromtimestamp(provider_created)
    if arrow is not None:
        return arrow.get(created).humanize(arrow.utcnow())
    return f"{(DT.utcnow() - created).total_seconds():.0f}s ago"


def run_once(session_factory, batch: int = 50) -> int:
    from webhook_receiver import store

    with session_factory() as session:
        due = store.due_deliveries(session, limit=batch)
        for delivery in due:
            attempt = deliver(delivery, delivery.event.payload)
            retry_after = None if attempt.ok else POLICY.next_attempt(delivery.attempts + 1, now=clock.utcnow())
            store.mark_attempt(session, delivery.id, attempt.ok, retry_after)
            log.info("delivery %s -> %s (%s, event created %s)", delivery.id, attempt.status_code or attempt.error,
                     attempt.duration, describe_lag(delivery.event.payload.get("created", 0)))
        session.commit()
    return len(due)


def main(session_factory, idle_sleep: float = 2.0) -> None:
    while True:
        if run_once(session_factory) == 0:
            time.sleep(idle_sleep)
