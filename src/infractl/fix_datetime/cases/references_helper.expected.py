# infractl-case: mode=aware calls=0 refs=5 hazards=DT109@14,DT109@19,DT109@27
"""Non-call references become one module-level helper, added once after the imports."""
import dataclasses
from datetime import datetime, timezone

from myapp.db import Column, Integer


def utc_now() -> datetime:
    """Current UTC time as an aware datetime."""
    return datetime.now(timezone.utc)


now_fn = utc_now


@dataclasses.dataclass
class Event:
    at: datetime = dataclasses.field(default_factory=utc_now)


class Row:
    id = Column(Integer, default=utc_now, onupdate=utc_now)


def newest(items):
    return max(items, key=utc_now)
