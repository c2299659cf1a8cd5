# infractl-case: mode=aware calls=1 refs=1 hazards=DT101@19,DT109@16
"""`timezone` is django's here: the datetime one is imported under another name."""
from datetime import datetime

from django.db import models
from django.utils import timezone


class Article(models.Model):
    published = models.DateTimeField(default=timezone.now)
    fetched = models.DateTimeField(default=datetime.utcnow)

    def age(self):
        return datetime.utcnow() - self.fetched.replace(tzinfo=None)
