# infractl-case: mode=aware calls=2 refs=0 hazards=DT101@9,DT101@11,DT101@13
from datetime import datetime, timezone

EPOCH = datetime(1970, 1, 1)


def expired(deadline_naive=None):
    now = datetime.now(timezone.utc)
    if now > datetime(2030, 1, 1):
        return True
    elapsed = datetime.now(timezone.utc) - EPOCH
    start = datetime.now()
    return start < now, elapsed
