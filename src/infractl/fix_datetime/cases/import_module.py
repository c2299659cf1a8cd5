# infractl-case: mode=aware calls=1 refs=0
import datetime


def now():
    return datetime.datetime.utcnow()
