# infractl-case: mode=aware calls=1 refs=0 hazards=DT109@10
"""A one-line `if TYPE_CHECKING: from datetime import timezone` binds nothing at runtime either."""
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING: from datetime import timezone  # noqa: E701


def now(zone: "timezone") -> datetime:
    return datetime.utcnow()
