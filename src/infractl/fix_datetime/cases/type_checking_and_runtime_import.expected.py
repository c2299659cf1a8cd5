# infractl-case: mode=aware calls=1 refs=0 hazards=DT109@11
"""`timezone` imported both under TYPE_CHECKING and at runtime: the runtime binding is reused as is."""
from datetime import datetime, timezone
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import timezone  # noqa: F811


def now() -> datetime:
    return datetime.now(timezone.utc)
