# infractl-case: mode=naive calls=2 refs=1
import time
from datetime import datetime

from sqlalchemy import Column, DateTime


class Row:
    created = Column(DateTime, default=datetime.utcnow)


def checks(value):
    now = datetime.utcnow()
    if value.tzinfo is None and now > datetime(2020, 1, 1):
        return now.isoformat(), time.mktime(now.timetuple()), value.replace(tzinfo=None)
    return str(datetime.utcnow())
