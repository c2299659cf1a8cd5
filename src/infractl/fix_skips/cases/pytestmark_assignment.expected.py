# infractl-case: fixed=1 kept=0 env=RUN_INTEGRATION
import os

import pytest

pytestmark = pytest.mark.skipif(not os.environ.get("RUN_INTEGRATION"), reason="integration: needs the WireMock server")


def test_refund():
    pass
