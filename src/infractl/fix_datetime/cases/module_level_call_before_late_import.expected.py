# infractl-case: mode=aware calls=1 refs=0 hazards=DT109@9
"""A module-level call between imports: the new import goes before it, not after the late import."""
from typing import TYPE_CHECKING
from datetime import timezone

if TYPE_CHECKING:
    import datetime as dt

STARTED = dt.datetime.now(timezone.utc)

import os  # noqa: E402
