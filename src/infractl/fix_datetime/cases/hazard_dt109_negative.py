# infractl-case: mode=aware calls=2 refs=0
from datetime import datetime, timedelta


def _now():
    return datetime.utcnow()


def stats(work):
    started = _now()
    work()
    took = datetime.utcnow() - started
    return took > timedelta(seconds=1), started.strftime("%H:%M")
