# infractl-case: mode=aware calls=1 refs=0 hazards=DT109@10
from datetime import (
    date,  # calendar days
    datetime,
    timezone,
)


def now():
    return datetime.now(timezone.utc)
