# infractl-case: mode=aware calls=1 refs=1 hazards=DT105@20,DT109@13,DT109@14
"""Module-level code between imports: the helper goes before the first statement that needs it."""
import logging
from datetime import datetime, timezone


def utc_now() -> datetime:
    """Current UTC time as an aware datetime."""
    return datetime.now(timezone.utc)


log = logging.getLogger(__name__)
STARTED = datetime.now(timezone.utc)
clock = utc_now

import os  # noqa: E402


def main():
    print(os.getpid(), clock(), STARTED)
