# infractl-case: mode=aware calls=1 refs=0 hazards=DT109@6
from datetime import datetime as DT, timezone


def now():
    return DT.now(timezone.utc)
