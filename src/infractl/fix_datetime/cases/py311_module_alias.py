# infractl-case: mode=aware target=py313 calls=1 refs=0 hazards=DT109@6
import datetime as dt


def now():
    return dt.datetime.utcnow()
