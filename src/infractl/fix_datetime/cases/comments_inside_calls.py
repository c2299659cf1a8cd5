# infractl-case: calls=6
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
