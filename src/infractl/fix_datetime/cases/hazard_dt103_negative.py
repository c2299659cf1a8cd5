# infractl-case: mode=aware calls=1 refs=0 hazards=DT109@7
from datetime import datetime


def pick(tz=None, value=None):
    if tz is None:
        return datetime.utcnow()
    return value.tzinfo == tz
