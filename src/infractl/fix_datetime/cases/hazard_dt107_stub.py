# infractl-case: calls=0 refs=0 hazards=DT107@13,DT107@18
"""A stub that cannot follow (an assertion on the arguments): the file keeps its stubs as they are, and
the stubbed module keeps its calls (see test_safety_model); each such stub is a DT107."""
from datetime import datetime
from unittest import mock

FIXED = datetime(2020, 1, 1)


@mock.patch("app.clock.datetime")
def test_clock(m):
    m.utcnow.return_value = FIXED
    m.utcnow.assert_called_once_with()


class FakeDatetime(datetime):
    @classmethod
    def utcnow(cls):
        return FIXED
