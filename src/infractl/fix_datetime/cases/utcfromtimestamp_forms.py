# infractl-case: mode=aware calls=3 refs=0 hazards=DT109@12,DT109@12,DT109@12
from datetime import datetime


def parse(ts, row):
    first = datetime.utcfromtimestamp(ts)
    second = datetime.utcfromtimestamp(row["created"] / 1000)
    third = datetime.utcfromtimestamp(
        ts,
    )
    return first, second, third
