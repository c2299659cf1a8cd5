# infractl-case: fixed=1 kept=1
import pytest
from pytest import mark


@mark.skip("needs docker compose")
def test_stack():
    pass


@pytest.mark.skip
def test_unknown_reason():
    pass
