# infractl-case: mode=aware calls=1 refs=0 hazards=DT102@10
from datetime import datetime


def now():
    return datetime.utcnow()


def to_db(value):
    return value.replace(tzinfo=None)
