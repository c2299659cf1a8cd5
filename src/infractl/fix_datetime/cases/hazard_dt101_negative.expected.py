# infractl-case: mode=aware calls=3 refs=0
"""Aware on both sides, or the other side's awareness is unknown: no DT101."""
from datetime import datetime, timedelta, timezone

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def checks(token):
    now = datetime.now(timezone.utc)
    if now > datetime(2030, 1, 1, tzinfo=timezone.utc):
        return True
    later = datetime.now(timezone.utc) + timedelta(hours=1)
    return token.expires_at < now, datetime.now(timezone.utc) - EPOCH, later, now is None
