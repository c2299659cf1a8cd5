# infractl-case: fixed=1 kept=0
"""Tests that talk to the e2e stack."""
import pytest  # the runner


# run against the compose stack
@pytest.mark.skip(reason="e2e: needs the compose stack")  # see README
def test_health():
    pass
