# infractl-case: mode=aware calls=6 hazards=DT109@4,DT109@6,DT109@8,DT109@12,DT109@14
from datetime import datetime, timezone

a = datetime.utcfromtimestamp(  # why
    t)
b = datetime.utcnow(  # because
)
c = datetime.utcfromtimestamp(
    t,  # trailing
)
d = datetime.utcfromtimestamp(t  # after t
                              )
e = datetime.utcfromtimestamp(
    # before
    t
)
f = datetime.utcfromtimestamp(t).replace(  # already aware: the comment keeps the .replace
    tzinfo=timezone.utc)
