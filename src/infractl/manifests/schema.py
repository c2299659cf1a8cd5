"""Offline validation against the Kubernetes OpenAPI-derived JSON schemas that ``kubernetes-validate`` ships.

kubernetes_validate.validate() reads the 1.5 MB definitions file and builds a validator on every call;
here each (version, apiVersion, kind) validator is built once per process and reused, and every error of
an object is reported, not just the first.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from infractl.errors import InfractlError

MAX_ERRORS_PER_OBJECT = 5


@cache
def _schema_root() -> Path:
    import kubernetes_validate

    return Path(kubernetes_validate.__file__).parent / "kubernetes-json-schema"


@cache
def schema_dir(kube_version: str) -> Path:
    """The strict schema directory for ``kube_version``: the newest bundled minor not newer than it."""
    wanted = _minor(kube_version)
    if wanted is None:
        raise InfractlError(f"--kube-version {kube_version!r}: expected a version such as 1.33 or 1.33.0")
    available = sorted((_minor(p.name[1:].split("-")[0]), p) for p in _schema_root().glob("v*-local-strict"))
    usable = [path for minor, path in available if minor is not None and minor <= wanted]
    if not usable:
        oldest = ".".join(map(str, available[0][0])) if available else "none"
        raise InfractlError(f"kube version {kube_version} is older than the oldest bundled schemas ({oldest})")
    if wanted > available[-1][0]:
        newest = ".".join(map(str, available[-1][0]))
        raise InfractlError(f"kube version {kube_version} is newer than the newest bundled schemas ({newest}): "
                            "upgrade kubernetes-validate")
    return usable[-1]


def _minor(version: str) -> tuple[int, int] | None:
    match = re.match(r"^v?(\d+)\.(\d+)", version)
    return (int(match.group(1)), int(match.group(2))) if match else None


@cache
def _registry(directory: Path):
    from referencing import Registry, Resource

    with open(directory / "_definitions.json", encoding="utf-8") as handle:
        definitions = json.load(handle)
    return Resource.from_contents(definitions) @ Registry()


@cache
def _validator(directory: Path, api_version: str, kind: str):
    """A jsonschema validator for one kind, or None when no schema is bundled (a CRD's kind)."""
    import jsonschema

    group_version = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    path = directory / f"{kind.lower()}-{group_version}.json"
    try:
        with open(path, encoding="utf-8") as handle:
            schema = json.load(handle)
    except FileNotFoundError:
        return None
    return jsonschema.Draft202012Validator(schema, registry=_registry(directory))


def schema_errors(obj: dict[str, Any], kube_version: str) -> list[tuple[tuple, str]] | None:
    """(path inside the object, message) per schema error; None when no schema exists for its kind."""
    api_version, kind = obj.get("apiVersion"), obj.get("kind")
    if not isinstance(api_version, str) or not isinstance(kind, str):
        return [((), "object has no apiVersion/kind")]
    validator = _validator(schema_dir(kube_version), api_version, kind)
    if validator is None:
        return None
    errors = []
    for error in sorted(validator.iter_errors(obj), key=lambda e: list(map(str, e.absolute_path))):
        errors.append((tuple(error.absolute_path), _short(error)))
        if len(errors) == MAX_ERRORS_PER_OBJECT:
            break
    return errors


def _short(error) -> str:
    where = ".".join(str(part) for part in error.absolute_path) or "(top level)"
    message = error.message
    if len(message) > 200:
        message = message[:197] + "..."
    return f"{where}: {message}"
