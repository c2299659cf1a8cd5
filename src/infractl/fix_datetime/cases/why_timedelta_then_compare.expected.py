# infractl-case: mode=aware calls=1 refs=0 hazards=DT101@9
"""Why: awareness is carried through `x = utcnow() + timedelta(...)` to where x meets a naive value."""
from datetime import datetime, timedelta, timezone


def is_fresh(created: str, ttl: int) -> bool:
    deadline = datetime.now(timezone.utc) - timedelta(seconds=ttl)
    born = datetime.fromisoformat(created)
    return born > deadline
