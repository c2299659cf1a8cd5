# infractl-case: mode=aware calls=1 refs=0 hazards=DT109@12
"""Both a TYPE_CHECKING import and a function-local one bind `datetime`; the local one gets timezone."""
import typing

if typing.TYPE_CHECKING:
    from datetime import datetime


def now() -> "datetime":
    from datetime import datetime

    return datetime.utcnow()
