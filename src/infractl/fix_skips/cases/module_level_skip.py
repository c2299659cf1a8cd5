# infractl-case: fixed=1 kept=0
import io
import json

import pytest

pytest.skip("needs the docker-compose PostgreSQL; run in CI only", allow_module_level=True)

from app import handlers  # noqa: E402
