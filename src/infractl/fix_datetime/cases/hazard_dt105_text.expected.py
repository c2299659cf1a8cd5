# infractl-case: mode=aware calls=2 refs=0 hazards=DT105@7,DT105@8
from datetime import datetime, timezone


def stamps():
    now = datetime.now(timezone.utc)
    text = now.isoformat()
    return text, str(datetime.now(timezone.utc))
