# infractl-case: mode=aware calls=1 refs=2 hazards=DT109@11,DT109@11,DT109@14
import datetime as dt


def utc_from_timestamp(timestamp: float) -> dt.datetime:
    """Aware UTC datetime for a POSIX timestamp."""
    return dt.datetime.fromtimestamp(timestamp, tz=dt.timezone.utc)


def convert(stamps):
    return list(map(utc_from_timestamp, stamps)), dt.datetime.now(dt.timezone.utc)


to_datetime = utc_from_timestamp
