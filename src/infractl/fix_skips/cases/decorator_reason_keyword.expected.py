# infractl-case: fixed=1 kept=0
import os

import pytest


@pytest.mark.skipif(not os.environ.get("RUN_E2E_TESTS"), reason="needs a running PostgreSQL")
def test_store():
    pass
