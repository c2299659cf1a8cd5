# infractl-case: fixed=1 kept=0
import os

import pytest


@pytest.mark.skip(reason="needs a running PostgreSQL")
def test_store():
    pass
