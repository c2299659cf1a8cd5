"""What runs where: one small JSON file per instance name, plus the pid and log files of the java runtime.

Kept under ``$INFRACTL_STATE_DIR``, else ``$XDG_STATE_HOME/infractl/wiremock``, else
``~/.local/state/infractl/wiremock``: never inside the user's mappings.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from infractl.errors import InfractlError
from infractl.fsio import atomic_write_bytes

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$")


@dataclass
class Instance:
    name: str
    runtime: str  # "java" or "docker"
    port: int
    dir: str  # absolute WireMock root
    started_at: float  # time.time()
    stubs: int  # the validated count it was proven to serve
    pid: int | None = None  # java
    jar: str | None = None
    container_id: str | None = None  # docker
    image: str | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def state_dir() -> Path:
    if os.environ.get("INFRACTL_STATE_DIR"):
        base = Path(os.environ["INFRACTL_STATE_DIR"])
    else:
        base = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state") / "infractl" / "wiremock"
    base.mkdir(parents=True, exist_ok=True)
    return base


def check_name(name: str) -> str:
    if not _NAME.match(name):
        raise InfractlError(f"instance name {name!r}: use letters, digits, '.', '_' and '-' (a container name)")
    return name


def state_path(name: str) -> Path:
    return state_dir() / f"{check_name(name)}.json"


def log_path(name: str) -> Path:
    return state_dir() / f"{check_name(name)}.log"


def pid_path(name: str) -> Path:
    return state_dir() / f"{check_name(name)}.pid"


def save(instance: Instance) -> None:
    atomic_write_bytes(state_path(instance.name), json.dumps(asdict(instance), indent=2).encode() + b"\n")
    if instance.pid is not None:
        atomic_write_bytes(pid_path(instance.name), f"{instance.pid}\n".encode())


def load(name: str) -> Instance | None:
    path = state_path(name)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Instance(**data)
    except FileNotFoundError:
        return None
    except (ValueError, TypeError):
        raise InfractlError(f"{path}: unreadable state file (remove it once nothing runs)") from None


def forget(name: str) -> None:
    for path in (state_path(name), pid_path(name)):
        path.unlink(missing_ok=True)
