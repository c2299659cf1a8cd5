# infractl-case: mode=aware calls=3 refs=0 hazards=DT101@14
"""Why (1a), aware mode: credential refresh compares now with a strptime() result, and only ValueError is caught.
Aware would raise TypeError in production: auto keeps the value naive and says why (DT012)."""
from datetime import datetime, timedelta, timezone

FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def needs_refresh(token):
    try:
        expiry = datetime.strptime(token["expiry"], FORMAT)
    except ValueError:
        return True
    return datetime.now(timezone.utc) + timedelta(minutes=5) >= expiry


def elapsed(work):
    started = datetime.now(timezone.utc)
    work()
    return (datetime.now(timezone.utc) - started).total_seconds()
