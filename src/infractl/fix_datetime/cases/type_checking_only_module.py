# infractl-case: mode=aware calls=1 refs=0 hazards=DT109@14
"""`dt` is bound only under TYPE_CHECKING: the call still resolves to the standard library, but UTC must not
be spelled through that binding, so a runtime import is added after the imports, outside the block."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import datetime as dt


def now() -> dt.datetime:
    return dt.datetime.utcnow()
