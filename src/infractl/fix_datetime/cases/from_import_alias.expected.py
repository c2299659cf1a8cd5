# infractl-case: mode=aware calls=1 refs=0
from datetime import datetime as DT, timezone


def now():
    return DT.now(timezone.utc)
