# infractl-case: mode=aware calls=2 refs=0
"""`utcnow().replace(tzinfo=pytz.utc)` is an idiom for "aware UTC now": it becomes the plain aware call
(tzinfo is then datetime.timezone.utc, equal in every comparison and in the text). Another zone is kept."""
from datetime import datetime, timezone

import pytz


def now():
    return datetime.now(timezone.utc)


def paris_wall_clock():
    return datetime.now(timezone.utc).replace(tzinfo=pytz.timezone("Europe/Paris"))
