# infractl-case: mode=aware calls=1 refs=0
from datetime import datetime

import pytz


def utc_now():
    return datetime.now(pytz.utc)
