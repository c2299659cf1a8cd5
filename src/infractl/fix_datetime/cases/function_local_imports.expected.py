# infractl-case: mode=aware calls=3 refs=1 hazards=DT109@14,DT109@20,DT109@26,DT109@26
"""Function-local imports: the name is merged into the local import it belongs to."""
from datetime import datetime, timezone


def utc_now() -> datetime:
    """Current UTC time as an aware datetime."""
    return datetime.now(timezone.utc)


def first():
    from datetime import datetime, timezone

    return datetime.now(timezone.utc)


def second():
    import datetime

    return datetime.datetime.now(datetime.timezone.utc)


def third(ts):
    from datetime import datetime as Clock, timezone

    return Clock.fromtimestamp(ts, tz=timezone.utc), utc_now
