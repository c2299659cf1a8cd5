# infractl-case: mode=aware calls=2 refs=0 hazards=DT105@7,DT105@8
from datetime import datetime


def stamps():
    now = datetime.utcnow()
    text = now.isoformat()
    return text, str(datetime.utcnow())
