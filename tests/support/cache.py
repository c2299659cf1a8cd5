"""Where tests keep what they download or build: one directory per machine, not per checkout.

CI runs in a fresh clone each time; a cache inside the checkout would be cold on every run. The
default is ~/.cache/infractl-tests (override with INFRACTL_TEST_CACHE).
"""

from __future__ import annotations

import os
from pathlib import Path

CACHE_ROOT = Path(os.environ.get("INFRACTL_TEST_CACHE") or Path.home() / ".cache" / "infractl-tests")


def cache_dir(name: str) -> Path:
    path = CACHE_ROOT / name
    path.mkdir(parents=True, exist_ok=True)
    return path
