# infractl-case: mode=aware
"""Other libraries' utcnow: not the standard library's, so never touched."""
import arrow
import pendulum

from myproject import utils
from myproject.clock import utcnow


def stamps():
    return arrow.utcnow(), pendulum.now, utils.utcnow(), utcnow(), pendulum.DateTime.utcnow()
