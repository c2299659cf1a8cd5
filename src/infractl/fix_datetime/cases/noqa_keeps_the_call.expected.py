# infractl-case: calls=1 refs=0 info=DT012@8
from datetime import datetime, timezone

a = datetime.utcnow()  # noqa: DT010
b = datetime.utcnow()  # noqa: DTZ003
c = datetime.utcfromtimestamp(0)  # noqa
d = datetime.utcfromtimestamp(0)  # noqa: DTZ004
e = datetime.now(timezone.utc).replace(tzinfo=None)  # noqa: DTZ004 - another rule: still rewritten
