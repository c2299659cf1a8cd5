# infractl-case: calls=4 refs=0
"""Why: `pytz.utc.localize(utcnow())` would become localize(aware), which raises; the idioms for
"aware UTC now" become the plain aware call, with the idiom's own tzinfo."""
from datetime import datetime

import pytz
from dateutil import tz


def stamps():
    a = pytz.utc.localize(datetime.utcnow())
    b = datetime.utcnow().replace(tzinfo=pytz.utc)
    c = datetime.utcnow().replace(tzinfo=tz.tzutc())
    d = datetime.utcnow().replace(tzinfo=pytz.UTC)
    return a, b, c, d
