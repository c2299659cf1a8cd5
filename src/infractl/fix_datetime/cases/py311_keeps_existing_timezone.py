# infractl-case: mode=aware target=py311 calls=1 refs=0 hazards=DT109@7
"""With py311+ the file's own `timezone` spelling still wins over adding UTC."""
from datetime import datetime, timezone


def now():
    return datetime.utcnow()
