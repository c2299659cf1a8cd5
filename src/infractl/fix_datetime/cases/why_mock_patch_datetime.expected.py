# infractl-case: calls=0 refs=3
"""Why (1b): tests stub the clock with patch("pkg.mod.datetime") and `m.utcnow.return_value`; after the
rewrite the code calls now(), so the stub must stub now()."""
from datetime import datetime
from unittest import mock

FIXED = datetime(2020, 1, 1, 12, 0)


@mock.patch("app.tokens.datetime")
def test_expiry(mocked_datetime):
    mocked_datetime.now.return_value = FIXED
    mocked_datetime.now.assert_called_once()


def test_refresh(mocker):
    clock = mocker.patch("app.tokens.datetime")
    clock.now.side_effect = [FIXED, FIXED]
