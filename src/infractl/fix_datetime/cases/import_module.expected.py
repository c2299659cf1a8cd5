# infractl-case: mode=aware calls=1 refs=0 hazards=DT109@6
import datetime


def now():
    return datetime.datetime.now(datetime.timezone.utc)
