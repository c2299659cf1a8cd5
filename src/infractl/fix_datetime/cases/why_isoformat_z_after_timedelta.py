# infractl-case: mode=aware calls=1 refs=0 hazards=DT105@7
"""Why: `isoformat() + "Z"` after `+ timedelta` becomes '...+00:00Z' (DT105)."""
from datetime import datetime, timedelta


def expires_header(seconds):
    return (datetime.utcnow() + timedelta(seconds=seconds)).isoformat() + "Z"
