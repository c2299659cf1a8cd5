# infractl-case: mode=aware calls=2 refs=0 hazards=DT109@7,DT109@11
"""timezone is already imported: reused, no import is added or changed."""
from datetime import datetime, timezone


def now():
    return datetime.now(timezone.utc)


def parse(ts):
    return datetime.fromtimestamp(ts, tz=timezone.utc)
