# infractl-case: mode=aware calls=2 refs=0
from datetime import datetime


def stamps(other):
    now = datetime.utcnow()
    return now.strftime("%Y-%m-%d"), datetime.now().isoformat(), str(other), datetime.utcnow().date().isoformat()
