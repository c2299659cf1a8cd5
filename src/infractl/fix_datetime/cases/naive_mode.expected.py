# infractl-case: mode=naive calls=5 refs=1
"""Naive mode keeps values naive, exactly as before."""
from datetime import datetime, timezone

from sqlalchemy import Column, DateTime


def naive_utc_now() -> datetime:
    """Current UTC time as a naive datetime (tzinfo=None), as before the rewrite."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Row:
    created = Column(DateTime, default=naive_utc_now)


def values(ts):
    plain = datetime.now(timezone.utc).replace(tzinfo=None)
    from_ts = datetime.fromtimestamp(ts, tz=timezone.utc).replace(tzinfo=None)
    # the original value was aware here; it stays aware (no naive replace is added, the redundant one goes)
    aware = datetime.now(timezone.utc)
    # already stripped: no second .replace(tzinfo=None)
    stripped = datetime.now(timezone.utc).replace(tzinfo=None)
    if plain < datetime(2020, 1, 1):  # naive mode: no hazard, both sides stay naive
        return plain.isoformat()
    return plain, from_ts, aware, stripped, datetime.fromtimestamp(ts, tz=timezone.utc).replace(tzinfo=None).date()
