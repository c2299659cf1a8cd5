# infractl-case: mode=naive calls=5 refs=1
"""Naive mode keeps values naive, exactly as before."""
from datetime import datetime, timezone

from sqlalchemy import Column, DateTime


class Row:
    created = Column(DateTime, default=datetime.utcnow)


def values(ts):
    plain = datetime.utcnow()
    from_ts = datetime.utcfromtimestamp(ts)
    # the original value was aware here; it stays aware (no naive replace is added, the redundant one goes)
    aware = datetime.utcnow().replace(tzinfo=timezone.utc)
    # already stripped: no second .replace(tzinfo=None)
    stripped = datetime.utcnow().replace(tzinfo=None)
    if plain < datetime(2020, 1, 1):  # naive mode: no hazard, both sides stay naive
        return plain.isoformat()
    return plain, from_ts, aware, stripped, datetime.utcfromtimestamp(ts).date()
