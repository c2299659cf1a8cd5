# infractl-case: mode=aware calls=0 refs=1 hazards=DT106@16
from datetime import datetime, timezone

from flask_sqlalchemy import SQLAlchemy


def utc_now() -> datetime:
    """Current UTC time as an aware datetime."""
    return datetime.now(timezone.utc)


db = SQLAlchemy()


class User(db.Model):
    created_at = db.Column(db.DateTime, default=utc_now)
