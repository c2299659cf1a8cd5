# infractl-case: calls=0 refs=1 hazards=DT107@11,DT107@15
from datetime import datetime
from unittest import mock

FIXED = datetime(2020, 1, 1)


@mock.patch("app.clock.datetime")
def test_clock(m):
    m.now.return_value = FIXED
    m.utcnow.assert_called_once_with()


class FakeDatetime(datetime):
    @classmethod
    def utcnow(cls):
        return FIXED
