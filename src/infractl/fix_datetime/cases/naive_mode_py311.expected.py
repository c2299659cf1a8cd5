# infractl-case: mode=naive target=py311 calls=1 refs=1
import datetime


def naive_utc_now() -> datetime.datetime:
    """Current UTC time as a naive datetime (tzinfo=None), as before the rewrite."""
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


def stamp(rows):
    return sorted(rows, key=naive_utc_now), datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
