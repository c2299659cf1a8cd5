# infractl-case: mode=naive calls=2 refs=1
import time
from datetime import datetime, timezone

from sqlalchemy import Column, DateTime


def naive_utc_now() -> datetime:
    """Current UTC time as a naive datetime (tzinfo=None), as before the rewrite."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Row:
    created = Column(DateTime, default=naive_utc_now)


def checks(value):
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    if value.tzinfo is None and now > datetime(2020, 1, 1):
        return now.isoformat(), time.mktime(now.timetuple()), value.replace(tzinfo=None)
    return str(datetime.now(timezone.utc).replace(tzinfo=None))
