# infractl-case: mode=aware calls=1 refs=0
"""Why: DT102/DT103 fired on code the rewritten value never reaches."""
from datetime import datetime, timezone


def normalise(value):
    if value.tzinfo is None:
        return value.replace(tzinfo=None)
    return value


def today():
    return datetime.now(timezone.utc).date()
