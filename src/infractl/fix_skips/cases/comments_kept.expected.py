# infractl-case: fixed=1 kept=0
"""Tests that talk to the e2e stack."""
import os

import pytest  # the runner


# run against the compose stack
@pytest.mark.skipif(not os.environ.get("RUN_E2E_TESTS"), reason="e2e: needs the compose stack")  # see README
def test_health():
    pass
