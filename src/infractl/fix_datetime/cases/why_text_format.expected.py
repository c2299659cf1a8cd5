# infractl-case: mode=aware calls=2 refs=0 hazards=DT105@9,DT105@10
"""Why (croniter's tests): a value rendered with "{0}".format() or "%s" % gains '+00:00' too (DT105)."""
from datetime import datetime, timezone


def render():
    first = datetime.now(timezone.utc)
    second = datetime.now(timezone.utc)
    a = "{0}".format(first)
    b = "%s" % second
    return a + b
