# infractl-case: mode=aware calls=2 refs=0
"""`utcnow().replace(tzinfo=pytz.utc)` is an idiom for "aware UTC now": it becomes the plain aware call
with that very tzinfo, ``now(pytz.utc)``: ``timezone.utc`` would give the same instant, but another tzinfo
(dateutil's ``tzutc() == timezone.utc`` is False; arrow's tests compare them). Another zone is kept."""
from datetime import datetime

import pytz


def now():
    return datetime.utcnow().replace(tzinfo=pytz.utc)


def paris_wall_clock():
    return datetime.utcnow().replace(tzinfo=pytz.timezone("Europe/Paris"))
