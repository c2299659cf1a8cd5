# infractl-case: mode=aware calls=1 refs=1 hazards=DT101@19,DT109@16
"""`timezone` is django's here: the datetime one is imported under another name."""
from datetime import datetime, timezone as dt_timezone

from django.db import models
from django.utils import timezone


def utc_now() -> datetime:
    """Current UTC time as an aware datetime."""
    return datetime.now(dt_timezone.utc)


class Article(models.Model):
    published = models.DateTimeField(default=timezone.now)
    fetched = models.DateTimeField(default=utc_now)

    def age(self):
        return datetime.now(dt_timezone.utc) - self.fetched.replace(tzinfo=None)
