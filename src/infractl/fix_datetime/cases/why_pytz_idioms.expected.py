# infractl-case: calls=4 refs=0
"""Why: `pytz.utc.localize(utcnow())` would become localize(aware), which raises; the idioms for
"aware UTC now" become the plain aware call, with the idiom's own tzinfo."""
from datetime import datetime

import pytz
from dateutil import tz


def stamps():
    a = datetime.now(pytz.utc)
    b = datetime.now(pytz.utc)
    c = datetime.now(tz.tzutc())
    d = datetime.now(pytz.UTC)
    return a, b, c, d
