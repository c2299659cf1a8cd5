# infractl-case: mode=aware calls=1 refs=0 hazards=DT108@8
from datetime import datetime, timezone

import pytz


def local_now(zone):
    return pytz.timezone(zone).localize(datetime.now(timezone.utc))
