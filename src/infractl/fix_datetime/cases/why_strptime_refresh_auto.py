# infractl-case: calls=3 refs=0 info=DT012@14
"""Why (1a): credential refresh compares now with a strptime() result, and only ValueError is caught.
Aware would raise TypeError in production: auto keeps the value naive and says why (DT012)."""
from datetime import datetime, timedelta

FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def needs_refresh(token):
    try:
        expiry = datetime.strptime(token["expiry"], FORMAT)
    except ValueError:
        return True
    return datetime.utcnow() + timedelta(minutes=5) >= expiry


def elapsed(work):
    started = datetime.utcnow()
    work()
    return (datetime.utcnow() - started).total_seconds()
