# infractl-case: mode=aware target=py311 calls=1 refs=0 hazards=DT109@6
from datetime import UTC, datetime


def now():
    return datetime.now(UTC)
