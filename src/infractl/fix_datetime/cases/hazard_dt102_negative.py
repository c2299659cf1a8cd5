# infractl-case: mode=aware calls=1 refs=0
"""Stripping the rewritten value itself is explicit and keeps behaviour: no DT102."""
from datetime import datetime


def now():
    return datetime.utcnow().replace(tzinfo=None)


def shifted(value):
    return value.replace(tzinfo=value.tzinfo)
