# infractl-case: mode=aware calls=3 refs=0
"""Aware on both sides: no DT101 (an unknown side is DT101 in aware mode, see hazard_dt101_unknown)."""
from datetime import datetime, timedelta, timezone

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def checks(token):
    now = datetime.now(timezone.utc)
    if now > datetime(2030, 1, 1, tzinfo=timezone.utc):
        return True
    later = datetime.now(timezone.utc) + timedelta(hours=1)
    if now > later:
        return False
    return (datetime.now(timezone.utc) - EPOCH).days, now is None
