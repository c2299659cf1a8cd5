# infractl-case: mode=aware calls=2 refs=0 hazards=DT109@6,DT109@10
import datetime as dt


def now():
    return dt.datetime.now(dt.timezone.utc)


def from_ts(ts: float):
    return dt.datetime.fromtimestamp(ts, tz=dt.timezone.utc)
