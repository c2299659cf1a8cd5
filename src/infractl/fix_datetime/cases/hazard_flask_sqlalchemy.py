# infractl-case: mode=aware calls=0 refs=1 hazards=DT106@16
from datetime import datetime

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class User(db.Model):
    created_at = db.Column(db.DateTime, default=datetime.utcnow)
