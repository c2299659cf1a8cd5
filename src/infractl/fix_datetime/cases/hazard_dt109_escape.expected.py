# infractl-case: mode=aware calls=2 refs=0 hazards=DT109@6,DT109@10
from datetime import datetime, timezone


def now():
    return datetime.now(timezone.utc)


def record(log):
    log.append(datetime.now(timezone.utc))
