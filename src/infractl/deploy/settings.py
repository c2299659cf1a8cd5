"""``[tool.infractl.deploy.ENV]``: one environment's settings, validated (unknown keys are errors)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from infractl.config import Config, reject_unknown_keys
from infractl.errors import InfractlError
from infractl.manifests.command import lint_selection
from infractl.rulebook.selection import RuleSelection

KINDS = ("kubernetes", "compose")
COMMON_KEYS = ("kind", "image", "build", "secrets", "smoke", "registry", "push", "production_patterns")
KUBERNETES_KEYS = (*COMMON_KEYS, "context", "cluster_server", "namespace", "manifests", "rollout_timeout",
                   "kube_version")
COMPOSE_KEYS = (*COMMON_KEYS, "compose_file", "compose_files", "project", "timeout", "image_variable")
BUILD_KEYS = ("context", "dockerfile", "target", "args", "network")
SMOKE_KEYS = ("name", "method", "url", "service", "port", "path", "body_file", "headers", "status",
              "header", "json_path", "json_value", "body_regex", "repeat", "hmac", "timeout", "exec")
HMAC_KEYS = ("secret", "header", "format")
DEFAULT_COMPOSE_FILE = "docker-compose.staging.yml"
# What a production target looks like (regular expressions, searched case-insensitively in the environment's
# name, the kube context, its cluster's server and the registry): any match needs --yes.
DEFAULT_PRODUCTION_PATTERNS = ("prod",)


@dataclass(frozen=True)
class BuildSettings:
    context: Path
    dockerfile: str = "Dockerfile"
    target: str | None = None
    args: dict[str, str] = field(default_factory=dict)
    network: str | None = None  # docker build --network (host where containers have no bridge)


@dataclass(frozen=True)
class SecretSource:
    """Where a Secret key's value comes from: ``env:NAME`` or ``file:PATH`` (never the repo's config)."""

    key: str
    env: str | None = None
    file: Path | None = None

    def describe(self) -> str:
        return f"environment variable {self.env}" if self.env else f"file {self.file}"


@dataclass(frozen=True)
class SmokeCheck:
    name: str
    method: str = "GET"
    url: str | None = None
    service: str | None = None
    port: int | None = None
    path: str = "/"
    body_file: Path | None = None
    headers: dict[str, str] = field(default_factory=dict)
    status: int = 200
    header: str | None = None  # "Name: value" (or just "Name") the last response must carry
    json_path: str | None = None  # dotted path into the JSON body, e.g. "status" or "items.0.id"
    json_value: Any = None
    body_regex: str | None = None
    repeat: int = 1  # send it this many times; the expectations apply to the last response
    hmac: dict[str, str] | None = None  # sign the body: secret (a secrets key), header, format
    timeout: float = 10.0
    exec: tuple[str, ...] = ()  # compose: run this in the service's container; exit 0 + expectations on stdout


@dataclass(frozen=True)
class DeploySettings:
    env: str
    kind: str
    root: Path
    image: str
    build: BuildSettings | None
    secrets: tuple[SecretSource, ...]
    smoke: tuple[SmokeCheck, ...]
    registry: str | None = None
    push: bool = False
    production_patterns: tuple[str, ...] = DEFAULT_PRODUCTION_PATTERNS
    context: str | None = None
    cluster_server: str | None = None  # the server URL the context's cluster must have, when declared
    namespace: str | None = None
    manifests: Path | None = None
    rollout_timeout: float = 300.0
    kube_version: str = "1.33.0"
    compose_files: tuple[Path, ...] = ()  # compose: `docker compose -f a -f b`, later files override earlier
    project: str | None = None
    image_variable: str | None = None  # compose: the variable the compose file reads the image from
    # the project's select/ignore for the manifests rules ([tool.infractl.manifests], else [tool.infractl]),
    # which the check step honours as `manifests lint` and `check` do
    lint_selection: RuleSelection = field(default_factory=RuleSelection)

    @property
    def repository(self) -> str:
        """The image repository, with the registry in front when one is configured."""
        if self.registry and not self.image.startswith(self.registry.rstrip("/") + "/"):
            return f"{self.registry.rstrip('/')}/{self.image}"
        return self.image

    @property
    def compose_file(self) -> Path | None:
        """The first compose file: compose's project directory is its directory."""
        return self.compose_files[0] if self.compose_files else None


def load_settings(config: Config, env: str) -> DeploySettings:
    deploy = config.section("deploy")
    if env not in deploy:
        known = ", ".join(sorted(deploy)) or "none"
        raise InfractlError(f"no [tool.infractl.deploy.{env}] in {config.source or 'any config file'} "
                            f"(environments: {known})")
    table = deploy[env]
    where = f"[tool.infractl.deploy.{env}]"
    if not isinstance(table, dict):
        raise InfractlError(f"{where} must be a table")
    kind = table.get("kind")
    if kind not in KINDS:
        raise InfractlError(f"{where}: kind must be one of {', '.join(KINDS)} (got {kind!r})")
    reject_unknown_keys(table, KUBERNETES_KEYS if kind == "kubernetes" else COMPOSE_KEYS, where)
    root = config.root
    image = _string(table, "image", where, required=True)
    common: dict[str, Any] = {
        "env": env, "kind": kind, "root": root, "image": image,
        "build": _build(table.get("build"), root, where),
        "secrets": _secrets(table.get("secrets", {}), where),
        "smoke": tuple(_smoke(entry, root, f"{where} smoke #{index + 1}")
                    for index, entry in enumerate(_list(table, "smoke", where))),
        "registry": _string(table, "registry", where),
        "push": _bool(table, "push", where, default=kind == "kubernetes"),
        "production_patterns": _patterns(table, "production_patterns", where),
        "lint_selection": lint_selection(config),
    }
    if kind == "kubernetes":
        if any(check.service or check.exec for check in common["smoke"]):
            # A Service name resolves only inside the cluster; infractl runs outside it.
            raise InfractlError(f"{where}: smoke checks of kind = \"kubernetes\" need url (the Ingress or a "
                                "reachable address), not service + port")
        for key in ("context", "namespace", "manifests"):
            _string(table, key, where, required=True)
        if not common["registry"]:
            raise InfractlError(f"{where}: registry is required for kind = \"kubernetes\" (the cluster "
                                "pulls the image from it)")
        return DeploySettings(**common, context=table["context"], namespace=table["namespace"],
                              cluster_server=_string(table, "cluster_server", where),
                              manifests=root / table["manifests"],
                              rollout_timeout=_seconds(table, "rollout_timeout", where, 300.0),
                              kube_version=_string(table, "kube_version", where) or "1.33.0")
    return DeploySettings(**common, compose_files=_compose_files(table, root, where),
                          project=_string(table, "project", where),
                          image_variable=_string(table, "image_variable", where),
                          rollout_timeout=_seconds(table, "timeout", where, 300.0))


def _compose_files(table: dict, root: Path, where: str) -> tuple[Path, ...]:
    """``compose_file = "a.yml"`` or ``compose_files = ["a.yml", "b.yml"]`` (not both), relative to the root."""
    if "compose_files" not in table:
        return (root / (_string(table, "compose_file", where) or DEFAULT_COMPOSE_FILE),)
    files = table["compose_files"]
    if "compose_file" in table:
        raise InfractlError(f"{where}: give compose_file or compose_files, not both")
    if not isinstance(files, list) or not files or not all(isinstance(f, str) and f.strip() for f in files):
        raise InfractlError(f"{where}: compose_files must be a non-empty list of paths (as docker compose -f a -f b)")
    return tuple(root / name for name in files)


def _string(table: dict, key: str, where: str, required: bool = False) -> str | None:
    value = table.get(key)
    if value is None:
        if required:
            raise InfractlError(f"{where}: {key} is required")
        return None
    if not isinstance(value, str) or not value.strip():
        raise InfractlError(f"{where}: {key} must be a non-empty string")
    return value


def _bool(table: dict, key: str, where: str, default: bool) -> bool:
    value = table.get(key, default)
    if not isinstance(value, bool):
        raise InfractlError(f"{where}: {key} must be true or false")
    return value


def _patterns(table: dict, key: str, where: str) -> tuple[str, ...]:
    import re

    value = table.get(key, list(DEFAULT_PRODUCTION_PATTERNS))
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        raise InfractlError(f"{where}: {key} must be a list of regular expressions (default [\"prod\"])")
    for pattern in value:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise InfractlError(f"{where}: {key}: {pattern!r} is not a regular expression ({exc})") from None
    return tuple(value)


def _seconds(table: dict, key: str, where: str, default: float) -> float:
    value = table.get(key, default)
    if isinstance(value, str):
        return parse_duration(value, f"{where}: {key}")
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise InfractlError(f"{where}: {key} must be a positive number of seconds or a duration like '5m'")
    return float(value)


def parse_duration(text: str, where: str) -> float:
    """``90``, ``90s``, ``5m``, ``1h`` -> seconds."""
    units = {"s": 1, "m": 60, "h": 3600}
    text = text.strip()
    number, unit = (text[:-1], text[-1]) if text and text[-1] in units else (text, "s")
    try:
        seconds = float(number) * units[unit]
    except ValueError:
        raise InfractlError(f"{where}: {text!r} is not a duration (e.g. 90, 90s, 5m)") from None
    if seconds <= 0:
        raise InfractlError(f"{where}: the duration must be positive")
    return seconds


def _list(table: dict, key: str, where: str) -> list:
    value = table.get(key, [])
    if not isinstance(value, list):
        raise InfractlError(f"{where}: {key} must be an array of tables ([[...{key}]])")
    return value


def _build(value: Any, root: Path, where: str) -> BuildSettings | None:
    if value is None:
        return None
    where = f"{where} build"
    if not isinstance(value, dict):
        raise InfractlError(f"{where} must be a table")
    reject_unknown_keys(value, BUILD_KEYS, where)
    args = value.get("args", {})
    if not isinstance(args, dict) or not all(isinstance(v, str | int | float) for v in args.values()):
        raise InfractlError(f"{where}: args must be a table of strings")
    return BuildSettings(context=root / (_string(value, "context", where) or "."),
                         dockerfile=_string(value, "dockerfile", where) or "Dockerfile",
                         target=_string(value, "target", where),
                         args={str(k): str(v) for k, v in args.items()},
                         network=_string(value, "network", where))


def _secrets(value: Any, where: str) -> tuple[SecretSource, ...]:
    if not isinstance(value, dict):
        raise InfractlError(f"{where}: secrets must be a table of KEY = \"env:NAME\" or \"file:PATH\"")
    sources = []
    for key, spec in value.items():
        prefix, _, rest = spec.partition(":") if isinstance(spec, str) else ("", "", "")
        if prefix == "env" and rest:
            sources.append(SecretSource(key, env=rest))
        elif prefix == "file" and rest:
            sources.append(SecretSource(key, file=Path(rest).expanduser()))
        else:
            # Never echo the value: a literal here may be the secret itself.
            raise InfractlError(f"{where}: secrets.{key} must be \"env:NAME\" or \"file:PATH\"; "
                                "secret values never live in the repository")
    return tuple(sources)


def _smoke(entry: Any, root: Path, where: str) -> SmokeCheck:
    if not isinstance(entry, dict):
        raise InfractlError(f"{where} must be a table")
    reject_unknown_keys(entry, SMOKE_KEYS, where)
    command = entry.get("exec", [])
    if not isinstance(command, list) or not all(isinstance(part, str) for part in command):
        raise InfractlError(f"{where}: exec must be a list of strings")
    if command and not entry.get("service"):
        raise InfractlError(f"{where}: exec needs service (the container to run it in)")
    if bool(entry.get("url")) == bool(entry.get("service")):
        raise InfractlError(f"{where}: give either url or service + port")
    if entry.get("service") and not command and not isinstance(entry.get("port"), int):
        raise InfractlError(f"{where}: service needs port (an integer)")
    hmac = entry.get("hmac")
    if hmac is not None:
        if not isinstance(hmac, dict) or "secret" not in hmac:
            raise InfractlError(f"{where}: hmac must be a table with secret (a secrets key), header, format")
        reject_unknown_keys(hmac, HMAC_KEYS, f"{where} hmac")
    status = entry.get("status", 200)
    repeat = entry.get("repeat", 1)
    if not isinstance(status, int) or not isinstance(repeat, int) or repeat < 1 or repeat > 10_000:
        raise InfractlError(f"{where}: status must be an integer and repeat an integer from 1 to 10000")
    body_file = entry.get("body_file")
    return SmokeCheck(
        name=str(entry.get("name") or entry.get("url") or f"{entry['service']}:{entry.get('port') or command[0]}"),
        method=str(entry.get("method", "GET")).upper(), url=entry.get("url"), service=entry.get("service"),
        port=entry.get("port"), path=str(entry.get("path", "/")),
        body_file=root / body_file if body_file else None,
        headers={str(k): str(v) for k, v in dict(entry.get("headers", {})).items()},
        status=status, header=entry.get("header"), json_path=entry.get("json_path"),
        json_value=entry.get("json_value"), body_regex=entry.get("body_regex"), repeat=repeat,
        hmac=dict(hmac) if hmac else None, timeout=float(entry.get("timeout", 10.0)), exec=tuple(command),
    )
