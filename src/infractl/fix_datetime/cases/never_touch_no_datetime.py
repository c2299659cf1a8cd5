# infractl-case: mode=aware
"""Mentions utcnow only in text; the file also has tzinfo checks, but nothing is rewritten so no hazards."""
# datetime.utcnow() is deprecated
DOC = "call datetime.utcnow() never"


def naive(value):
    return value.tzinfo is None, value.replace(tzinfo=None)
