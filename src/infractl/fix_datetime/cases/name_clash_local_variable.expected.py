# infractl-case: mode=aware calls=2 refs=0 hazards=DT109@7,DT109@11
"""A local `timezone` variable (a string) in one function: that function cannot use the plain name."""
from datetime import datetime, timezone as dt_timezone


def localised(timezone: str = "Europe/Paris"):
    return datetime.now(dt_timezone.utc), timezone


def plain():
    return datetime.now(dt_timezone.utc)
