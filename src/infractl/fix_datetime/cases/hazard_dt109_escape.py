# infractl-case: mode=aware calls=2 refs=0 hazards=DT109@6,DT109@10
from datetime import datetime


def now():
    return datetime.utcnow()


def record(log):
    log.append(datetime.utcnow())
