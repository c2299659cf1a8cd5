"""``[tool.infractl.wiremock]``: where the mappings are and how WireMock runs. Flags win."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from infractl.config import Config, reject_unknown_keys
from infractl.errors import InfractlError

SECTION = "wiremock"
WHERE = "[tool.infractl.wiremock]"
KEYS = ("dir", "runtime", "port", "image", "jar", "name", "global_response_templating", "select", "ignore")
DEFAULT_IMAGE = "wiremock/wiremock:3.13.2"
DEFAULT_NAME = "infractl-wiremock"
DEFAULT_PORT = 8080
RUNTIMES = ("auto", "docker", "java")


@dataclass(frozen=True)
class Settings:
    dir: Path
    runtime: str
    port: int
    image: str
    jar: Path | None
    name: str
    global_response_templating: bool


def _typed(section: dict, key: str, kind: type, default):
    value = section.get(key, default)
    if value is not None and (not isinstance(value, kind) or (kind is int and isinstance(value, bool))):
        raise InfractlError(f"{WHERE}: {key} must be a {kind.__name__}")
    return value


def settings(config: Config, dir: Path | None = None, runtime: str | None = None, port: int | None = None,
             image: str | None = None, jar: Path | None = None, name: str | None = None,
             global_templating: bool | None = None) -> Settings:
    section = config.section(SECTION)
    reject_unknown_keys(section, KEYS, WHERE)
    configured_dir = _typed(section, "dir", str, None)
    root_dir = dir or (config.root / configured_dir if configured_dir else Path("wiremock"))
    chosen_runtime = runtime or _typed(section, "runtime", str, "auto")
    if chosen_runtime not in RUNTIMES:
        raise InfractlError(f"{WHERE}: runtime must be one of {', '.join(RUNTIMES)}, not {chosen_runtime!r}")
    chosen_port = port if port is not None else _typed(section, "port", int, DEFAULT_PORT)
    if not 0 < chosen_port < 65536:
        raise InfractlError(f"port {chosen_port} is not a TCP port")
    configured_jar = _typed(section, "jar", str, None)
    jar_path = jar or (Path(os.environ["WIREMOCK_JAR"]) if os.environ.get("WIREMOCK_JAR") else None) or (
        config.root / configured_jar if configured_jar else None)
    chosen_name = name or _typed(section, "name", str, DEFAULT_NAME)
    templating = global_templating or _typed(section, "global_response_templating", bool, False)
    return Settings(dir=root_dir, runtime=chosen_runtime, port=chosen_port,
                    image=image or _typed(section, "image", str, DEFAULT_IMAGE), jar=jar_path, name=chosen_name,
                    global_response_templating=bool(templating))
