# infractl-case: mode=aware calls=2 refs=0
"""timezone is already imported: reused, no import is added or changed."""
from datetime import datetime, timezone


def now():
    return datetime.utcnow()


def parse(ts):
    return datetime.utcfromtimestamp(ts)
