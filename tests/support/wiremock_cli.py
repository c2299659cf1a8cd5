"""Run ``infractl wiremock ...`` as the real console entry point, with its own state directory."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class WiremockCli:
    def __init__(self, state_dir: Path, env: dict[str, str] | None = None) -> None:
        self.env = {**os.environ, "INFRACTL_STATE_DIR": str(state_dir)}
        self.env.pop("WIREMOCK_JAR", None)  # only what the test passes
        self.env.update(env or {})

    def __call__(self, *args: str, cwd: Path | None = None, timeout: float = 180) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "infractl", "wiremock", *args], cwd=cwd, env=self.env,
                              capture_output=True, text=True, timeout=timeout, check=False)
