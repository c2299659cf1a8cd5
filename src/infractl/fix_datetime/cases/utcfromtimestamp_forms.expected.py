# infractl-case: mode=aware calls=3 refs=0 hazards=DT109@12,DT109@12,DT109@12
from datetime import datetime, timezone


def parse(ts, row):
    first = datetime.fromtimestamp(ts, tz=timezone.utc)
    second = datetime.fromtimestamp(row["created"] / 1000, tz=timezone.utc)
    third = datetime.fromtimestamp(
        ts,
        tz=timezone.utc,
    )
    return first, second, third
