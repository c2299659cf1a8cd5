# infractl-case: fixed=1 kept=1
import os

import pytest
from pytest import mark


@mark.skipif(not os.environ.get("RUN_E2E_TESTS"), reason="needs docker compose")
def test_stack():
    pass


@pytest.mark.skip
def test_unknown_reason():
    pass
