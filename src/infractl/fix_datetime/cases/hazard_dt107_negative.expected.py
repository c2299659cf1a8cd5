# infractl-case: calls=0 refs=2
from datetime import datetime
from unittest.mock import patch

FIXED = datetime(2020, 1, 1)


def test_clock():
    with patch("app.clock.datetime") as m:
        m.now.return_value = FIXED
        m.now.assert_called_once()
