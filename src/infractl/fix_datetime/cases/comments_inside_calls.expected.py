# infractl-case: mode=aware calls=6 hazards=DT109@4,DT109@6,DT109@8,DT109@12,DT109@14
from datetime import datetime, timezone

a = datetime.fromtimestamp(  # why
    t, tz=timezone.utc)
b = datetime.now(  # because
    timezone.utc)
c = datetime.fromtimestamp(
    t,  # trailing
    tz=timezone.utc,
)
d = datetime.fromtimestamp(t, tz=timezone.utc  # after t
                              )
e = datetime.fromtimestamp(
    # before
    t,
    tz=timezone.utc
)
f = datetime.fromtimestamp(t, tz=timezone.utc).replace(  # already aware: the comment keeps the .replace
    tzinfo=timezone.utc)
