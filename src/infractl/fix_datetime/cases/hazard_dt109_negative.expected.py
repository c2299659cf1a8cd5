# infractl-case: mode=aware calls=2 refs=0
from datetime import datetime, timedelta, timezone


def _now():
    return datetime.now(timezone.utc)


def stats(work):
    started = _now()
    work()
    took = datetime.now(timezone.utc) - started
    return took > timedelta(seconds=1), started.strftime("%H:%M")
