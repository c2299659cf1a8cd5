# infractl-case: mode=aware
"""`datetime` is rebound at module level too, so a call may not be the standard library's: left alone."""
from datetime import datetime

try:
    from freezegun.api import FakeDatetime as datetime
except ImportError:
    pass


def now():
    return datetime.utcnow()
