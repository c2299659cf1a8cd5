# infractl-case: fixed=0 kept=1
import sys

import pytest


@pytest.mark.skip(reason="flaky")
def test_retry():
    pass


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX server socket")
def test_socket():
    pass


def test_inside():
    if sys.version_info < (3, 12):
        pytest.skip("needs the database")
