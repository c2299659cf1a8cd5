# infractl-case: calls=4 refs=0
"""Why: `pytz.utc.localize(utcnow())` would become localize(aware), which raises; the idioms for
"aware UTC now" become the plain aware call."""
from datetime import datetime, timezone

import pytz
from dateutil import tz


def stamps():
    a = datetime.now(timezone.utc)
    b = datetime.now(timezone.utc)
    c = datetime.now(timezone.utc)
    d = datetime.now(timezone.utc)
    return a, b, c, d
