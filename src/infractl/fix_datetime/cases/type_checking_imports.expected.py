# infractl-case: mode=aware calls=1 refs=0 hazards=DT109@14
"""A TYPE_CHECKING-only `timezone` is not bound at runtime: a runtime import is added instead."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import datetime as dt
    from datetime import timezone


def now(zone: timezone | None = None) -> dt.datetime:
    return datetime.now(timezone.utc)
