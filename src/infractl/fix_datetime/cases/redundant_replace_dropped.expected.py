# infractl-case: mode=aware calls=3 refs=0
"""`.replace(tzinfo=timezone.utc)` right after the rewritten call adds nothing: it is dropped."""
import datetime as dt
from datetime import datetime, timezone


def now():
    return datetime.now(timezone.utc)


def parse(ts):
    return datetime.fromtimestamp(ts, tz=timezone.utc).isoformat(timespec="seconds")


def module_style():
    return (dt.datetime.now(timezone.utc))
