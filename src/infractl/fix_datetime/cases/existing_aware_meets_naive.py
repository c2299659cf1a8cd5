# infractl-case: calls=0 refs=0 hazards=DT101@7
"""No utcnow left (e.g. a second run): the aware value meets a naive one, reported in the default mode."""
from datetime import datetime, timezone


def expired(text):
    return datetime.now(timezone.utc) > datetime.strptime(text, "%Y-%m-%d")
