# infractl-case: calls=4 refs=0 info=DT012@9,DT012@22,DT012@33
"""Auto mode keeps a value naive when it cannot see every use: a private function also passed as a
callback, a private attribute read from outside its class, strftime('%s') (local time). The one value
whose every use is seen (line 13) becomes aware."""
from datetime import datetime, timezone


def _now():
    return datetime.now(timezone.utc).replace(tzinfo=None)


def year():
    return datetime.now(timezone.utc).year


def ordered(items):
    return sorted(items, key=_now)


class Token:
    def __init__(self):
        self._issued = datetime.now(timezone.utc).replace(tzinfo=None)

    def age_days(self):
        return self._issued.day


def peek(token):
    return token._issued < datetime(2020, 1, 1)


def epoch_text():
    return datetime.now(timezone.utc).replace(tzinfo=None).strftime("%s")
