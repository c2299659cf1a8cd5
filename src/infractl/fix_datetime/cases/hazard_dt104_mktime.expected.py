# infractl-case: mode=aware calls=2 refs=0 hazards=DT104@8,DT104@9
import time
from datetime import datetime, timezone


def epoch_seconds():
    now = datetime.now(timezone.utc)
    first = time.mktime(now.timetuple())
    return first, time.mktime(datetime.now(timezone.utc).timetuple())
