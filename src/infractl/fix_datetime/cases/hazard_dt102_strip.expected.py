# infractl-case: mode=aware calls=1 refs=0 hazards=DT102@10
from datetime import datetime, timezone


def _now():
    return datetime.now(timezone.utc)


def to_db():
    return _now().replace(tzinfo=None)


def unrelated(value):
    return value.replace(tzinfo=None)
