"""The kubeconfig as kubectl reads it (client-go's clientcmd loader): the files of ``KUBECONFIG`` merged in
order, the first file to set a cluster, context or user (by name) or ``current-context`` winning; files that
do not exist skipped; relative certificate and token paths resolved against the file that names them.

Any file that is not a readable kubeconfig is one line naming it, never its content: it holds credentials.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from infractl.errors import InfractlError

DEFAULT_PATH = "~/.kube/config"
SECTIONS = ("clusters", "contexts", "users")
NOT_A_KUBECONFIG = "not a kubeconfig (a mapping with clusters, contexts, users and current-context)"
# (section entry key, field) holding a file path that kubectl resolves against the kubeconfig's directory
PATH_FIELDS = (("cluster", "certificate-authority"), ("user", "client-certificate"), ("user", "client-key"),
               ("user", "tokenFile"))


@dataclass(frozen=True)
class ActiveContext:
    name: str | None
    cluster: str | None  # the context's cluster entry name
    server: str | None  # that cluster's server URL


def kubeconfig_paths() -> list[Path]:
    """``KUBECONFIG``'s files in order (empty entries dropped), else ``~/.kube/config``."""
    value = os.environ.get("KUBECONFIG") or DEFAULT_PATH
    return [Path(os.path.expanduser(part)) for part in value.split(os.pathsep) if part]


def describe(paths: list[Path]) -> str:
    return os.pathsep.join(str(path) for path in paths)


def load_merged(paths: list[Path] | None = None) -> dict[str, Any]:
    """The merged kubeconfig. A named file that cannot be read or parsed is an error naming it."""
    paths = kubeconfig_paths() if paths is None else paths
    merged: dict[str, Any] = {"apiVersion": "v1", "kind": "Config", **{section: [] for section in SECTIONS}}
    seen: dict[str, set] = {section: set() for section in SECTIONS}
    existing = [path for path in paths if path.exists()] if len(paths) > 1 else paths
    for path in existing:
        document = _read(path)
        for section in SECTIONS:
            entries = document.get(section) or []
            if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
                raise InfractlError(f"cannot read the kubeconfig {path}: {NOT_A_KUBECONFIG}")
            for entry in entries:
                if entry.get("name") in seen[section]:
                    continue  # the first file to define a name wins
                seen[section].add(entry.get("name"))
                merged[section].append(_resolved(entry, path.parent))
        if document.get("current-context") and "current-context" not in merged:
            merged["current-context"] = document["current-context"]
    return merged


def active_context(config: dict[str, Any], where: str) -> ActiveContext:
    """The current context, its cluster and that cluster's server, as the merged config names them."""
    name = config.get("current-context")
    if not name:
        return ActiveContext(name=None, cluster=None, server=None)
    entry = _named(config, "contexts", name)
    if not entry:
        return ActiveContext(name=str(name), cluster=None, server=None)
    context = entry.get("context")
    if not isinstance(context, dict):
        # the client's own wording, which names the missing key and nothing of the file
        raise InfractlError(f"cannot read the kubeconfig {where}: Invalid kube-config file. Expected key context")
    cluster = context.get("cluster")
    body = _named(config, "clusters", cluster).get("cluster") if cluster else None
    server = body.get("server") if isinstance(body, dict) else None
    return ActiveContext(name=str(name), cluster=cluster, server=server)


def _named(config: dict[str, Any], section: str, name: str) -> dict[str, Any]:
    for entry in config.get(section) or []:
        if entry.get("name") == name:
            return entry
    return {}


def _read(path: Path) -> dict[str, Any]:
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InfractlError(f"cannot read the kubeconfig {path}: {exc.strerror or type(exc).__name__}") from None
    except UnicodeDecodeError:
        raise InfractlError(f"cannot read the kubeconfig {path}: not UTF-8 text") from None
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise InfractlError(f"cannot read the kubeconfig {path}: not valid YAML{where}") from None
    if document is None:
        return {}  # kubectl reads an empty file as an empty config
    if not isinstance(document, dict):
        raise InfractlError(f"cannot read the kubeconfig {path}: {NOT_A_KUBECONFIG}")
    return document


def _resolved(entry: dict[str, Any], base: Path) -> dict[str, Any]:
    """A copy of ``entry`` whose relative file paths point where kubectl would look (beside its file)."""
    entry = dict(entry)
    for key, field in PATH_FIELDS:
        body = entry.get(key)
        if isinstance(body, dict) and isinstance(body.get(field), str) and body[field] \
                and not os.path.isabs(os.path.expanduser(body[field])):
            entry[key] = {**body, field: str(base / body[field])}
    return entry
