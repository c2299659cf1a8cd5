# infractl-case: mode=aware calls=1 refs=0 hazards=DT109@7
from datetime import datetime
from datetime import timezone as tz


def now():
    return datetime.now(tz.utc)
