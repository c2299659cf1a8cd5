# infractl-case: mode=aware calls=2 refs=0
from datetime import datetime, timezone


def stamps(other):
    now = datetime.now(timezone.utc)
    return now.strftime("%Y-%m-%d"), datetime.now().isoformat(), str(other), datetime.now(timezone.utc).date().isoformat()
