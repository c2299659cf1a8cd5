# infractl-case: mode=aware calls=1 refs=0
import calendar
import time
from datetime import datetime, timezone


def epoch_seconds():
    local = time.mktime(datetime.now().timetuple())
    return local, calendar.timegm(datetime.now(timezone.utc).utctimetuple())
