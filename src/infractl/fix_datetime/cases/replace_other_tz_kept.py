# infractl-case: mode=aware calls=1 refs=0
"""A replace() with another tzinfo is not redundant (pytz.utc is a different object): kept."""
from datetime import datetime

import pytz


def now():
    return datetime.utcnow().replace(tzinfo=pytz.utc)
