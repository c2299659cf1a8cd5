"""The service's own clock.

New code should call ``clock.utcnow()`` instead of ``datetime.utcnow()``: it returns an aware
datetime, and tests can freeze it.
"""

from __future__ import annotations

from datetime import datetime, timezone

_frozen: datetime | None = None


def utcnow() -> datetime:
    """The current time in UTC, timezone-aware."""
    return _frozen or datetime.now(timezone.utc)


def freeze(at: datetime | None) -> None:
    """Pin ``utcnow()`` to ``at`` (None unfreezes). For tests only."""
    global _frozen
    _frozen = at
