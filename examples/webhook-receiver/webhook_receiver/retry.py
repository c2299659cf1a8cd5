"""Exponential back-off with jitter for deliveries to the merchant's endpoint."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 8
    base_delay: timedelta = timedelta(seconds=30)
    max_delay: timedelta = timedelta(hours=6)
    jitter: float = 0.2  # +-20 %, so a merchant outage does not end in a thundering herd

    def delay(self, attempt: int) -> timedelta:
        raw = min(self.base_delay * 2 ** (attempt - 1), self.max_delay).total_seconds()
        spread = raw * self.jitter
        return timedelta(seconds=raw + random.uniform(-spread, spread))

    def next_attempt(self, attempt: int, now: datetime | None = None) -> datetime | None:
        """When to try again after ``attempt`` failed tries; None once we give up."""
        if attempt >= self.max_attempts:
            return None
        return (now or datetime.utcnow()) + self.delay(attempt)


@dataclass
class AttemptLog:
    """One try at a delivery, kept in memory until the worker writes the outcome."""

    delivery_id: int
    status_code: int | None = None
    error: str | None = None
    started_at: datetime = field(default_factory=datetime.utcnow)
    finished_at: datetime | None = None

    def finish(self, status_code: int | None = None, error: str | None = None) -> None:
        self.status_code = status_code
        self.error = error
        self.finished_at = datetime.utcnow()

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300

    @property
    def duration(self) -> timedelta | None:
        return self.finished_at - self.started_at if self.finished_at else None
