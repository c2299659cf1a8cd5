from __future__ import annotations

from pathlib import Path

import pytest
from support.wiremock_real import wiremock_jar


@pytest.fixture(scope="session")
def jar() -> Path:
    """The real WireMock standalone JAR (fetched once with npm, cached under .cache/wiremock/)."""
    return wiremock_jar()
