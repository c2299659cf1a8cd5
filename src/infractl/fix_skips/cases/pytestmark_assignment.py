# infractl-case: fixed=1 kept=0 env=RUN_INTEGRATION
import pytest

pytestmark = pytest.mark.skip(reason="integration: needs the WireMock server")


def test_refund():
    pass
