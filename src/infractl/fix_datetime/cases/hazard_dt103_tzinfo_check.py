# infractl-case: mode=aware calls=1 refs=0 hazards=DT103@7,DT103@9,DT109@6,DT109@9
from datetime import datetime, timezone


def normalise(value=None):
    value = value or datetime.utcnow()
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value, None is not value.utcoffset()
