# infractl-case: mode=aware calls=0 refs=5 hazards=DT109@14,DT109@19,DT109@27
"""Non-call references become one module-level helper, added once after the imports."""
import dataclasses
from datetime import datetime

from myapp.db import Column, Integer

now_fn = datetime.utcnow


@dataclasses.dataclass
class Event:
    at: datetime = dataclasses.field(default_factory=datetime.utcnow)


class Row:
    id = Column(Integer, default=datetime.utcnow, onupdate=datetime.utcnow)


def newest(items):
    return max(items, key=datetime.utcnow)
