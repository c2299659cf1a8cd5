# infractl-case: mode=aware calls=2 refs=0
import datetime as dt


def now():
    return dt.datetime.utcnow()


def from_ts(ts: float):
    return dt.datetime.utcfromtimestamp(ts)
