# infractl-case: calls=0 refs=0 hazards=DT101@13,DT101@17,DT101@21,DT101@26,DT108@30
"""A second run after --mode aware: aware values meet literal naive ones; every form is still reported."""
from datetime import datetime, timedelta, timezone

import pytz

EPOCH = datetime(2020, 1, 1)
EASTERN = pytz.timezone("US/Eastern")


def since_epoch():
    now = datetime.now(timezone.utc)
    return now - datetime(2020, 1, 1)


def after_local_now():
    return datetime.now(timezone.utc) + timedelta(hours=1) > datetime.now()


def never_set():
    return datetime.now(tz=timezone.utc) == datetime.min


def started(work):
    began = datetime.now()
    return datetime.now(timezone.utc) - began


def localized():
    return EASTERN.localize(datetime.now(timezone.utc))
