"""Compose files as Compose reads them: a base (compose.yaml, docker-compose.yml) with the override that
``docker compose`` merges on its own (compose.override.yml), and each other overlay beside the base
(compose.deploy.yml, docker-compose.prod.yml: ``docker compose -f BASE -f OVERLAY``) merged with it.

The merge is the real Compose v2's (``docker compose config --no-interpolate``, nothing resolved or
validated that needs the deploy's environment). Without Compose v2 installed the named fallback,
``merge_models``, merges as the Compose specification says for the keys the rules read. A finding of a
merged model points at the file that sets the deepest part of its key path (the later file where both
do), so a missing healthcheck points at the service. An overlay's set reports only
what lies in the overlay: the default set reports the rest.
"""

from __future__ import annotations

import json
from pathlib import Path

from infractl.findings import Finding
from infractl.manifests.checks.rules import RULE

BASES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")  # Compose's own order
OVERRIDES = ("compose.override.yaml", "compose.override.yml", "docker-compose.override.yaml",
             "docker-compose.override.yml")
_APPENDED = ("ports", "expose", "volumes", "env_file", "dns", "secrets", "configs", "extra_hosts", "devices")
_MAPPED = ("environment", "labels")  # a list (KEY=VALUE) or a mapping: merged by key


def groups(files: list[Path]) -> list[list[Path]]:
    """Compose's sets among ``files``: per directory, [base, override] (or [base]), then [base, overlay]
    for each other overlay; a file with no base beside it, or a second base, is a set of its own."""
    by_directory: dict[Path, list[Path]] = {}
    for path in dict.fromkeys(files):
        by_directory.setdefault(path.parent, []).append(path)
    sets: list[list[Path]] = []
    for members in by_directory.values():
        names = {path.name: path for path in members}
        base = next((names[name] for name in BASES if name in names), None)
        if base is None:
            sets += [[path] for path in members]
            continue
        override = next((names[name] for name in OVERRIDES if name in names), None)
        sets.append([base, override] if override else [base])
        for path in members:
            if path not in (base, override):
                sets.append([path] if path.name in BASES else [base, path])
    return sets


def lint_compose_files(files: list[Path], display_root: Path | None = None) -> list[Finding]:
    """The compose rules over every set ``groups`` makes of ``files``."""
    from infractl.manifests.kustomize.sourcemap import display_path

    root = display_root or Path.cwd()
    findings: list[Finding] = []
    for members in groups(files):
        findings += lint_compose_set(members, [display_path(path, root) for path in members])
    return findings


def lint_compose_set(members: list[Path], shown: list[str]) -> list[Finding]:
    """One file alone, [base, override] (every finding), or [base, overlay] (the overlay's findings)."""
    from infractl.load import LoadError
    from infractl.load.yamldocs import load_file_documents
    from infractl.manifests.checks.compose import compose_hits

    documents, findings = [], []
    for path, name in zip(members, shown):
        try:
            loaded = load_file_documents(path)
        except LoadError as exc:
            findings.append(RULE["COMPOSE000"].finding(name, exc.line, exc.column, str(exc),
                                                       "fix the file: docker compose refuses it"))
            continue
        documents.append((name, loaded[0] if loaded else None))
    if findings:  # a file of the set does not load: the others alone
        from infractl.manifests.lint import lint_compose

        loaded_names = {name for name, _ in documents}
        return findings + [f for path, name in zip(members, shown) if name in loaded_names
                           for f in lint_compose(path, name)]
    if len(members) == 1:
        model = documents[0][1]
    else:
        model, failure = merged_model(members, [document for _, document in documents])
        if failure is not None:
            return [RULE["COMPOSE000"].finding(shown[-1], None, None, f"docker compose refuses the merge with "
                                               f"{shown[0]}: {failure}", "fix what compose's message names")]
    overlay_only = len(members) == 2 and members[1].name not in OVERRIDES
    for keys, rule, message, fix in compose_hits(model):
        if overlay_only and not _overlay_sets(keys, documents[0][1], documents[1][1]):
            continue  # the base's own set reports it
        name, line = source_of(keys, documents)
        findings.append(RULE[rule].finding(name, line, None, message, fix))
    return findings


def source_of(keys: tuple, sources: list[tuple]) -> tuple:
    """(file, line) for a finding at ``keys`` of a merged model: the file that sets the deepest part of
    ``keys`` (the last such file: later files override), and the line there; the first file when none
    sets any of it (the deploy's pin override, fed on stdin, has no file). deploy's check step uses it too."""
    from infractl.manifests.kustomize.sourcemap import deepest_line

    best, best_depth = (sources[0][0], None), 0
    for name, document in sources:
        depth = _depth_set(document, keys)
        if depth and depth >= best_depth:
            best, best_depth = (name, deepest_line(document, keys[:depth])), depth
    return best


def _overlay_sets(keys: tuple, base, overlay) -> bool:
    """Whether a finding at ``keys`` of [base, overlay] is the overlay's: it sets the whole key path below
    the service (an image), or more of it than the base (a service only the overlay defines). A service both define that lacks a
    key in both (a healthcheck) is the base's finding, reported once by the base's own set."""
    in_overlay = _depth_set(overlay, keys)
    return in_overlay == len(keys) > 2 or in_overlay > _depth_set(base, keys)  # keys[:2]: the service


def _depth_set(node, keys: tuple) -> int:
    """How many leading parts of the key path ``keys`` the document has."""
    for depth, key in enumerate(keys):
        present = key in node if isinstance(node, dict) else (
            isinstance(node, list) and isinstance(key, int) and key < len(node))
        if not present:
            return depth
        node = node[key]
    return len(keys)


def environment_by_name(model: dict) -> dict:
    """``config --no-interpolate`` lists each service's environment as ``KEY=value``: back to a mapping,
    so a finding names the key path the compose files write (and is traced to the file that sets it)."""
    for service in (model.get("services") or {}).values():
        environment = service.get("environment") if isinstance(service, dict) else None
        if isinstance(environment, list):
            pairs = (str(entry).partition("=") for entry in environment)
            service["environment"] = {key: value if sep else None for key, sep, value in pairs}
    return model


def merged_model(members: list[Path], documents: list) -> tuple[dict | None, str | None]:
    """(the merged model, None) from the real Compose v2, or from ``merge_models`` when none is installed;
    (None, compose's message) when compose refuses the set."""
    from infractl.errors import InfractlError
    from infractl.process import tools

    try:
        from infractl.deploy.targets.compose import find_compose

        argv = find_compose()
    except InfractlError:
        return merge_models(documents), None
    files = [argument for path in members for argument in ("-f", str(path.resolve()))]
    done = tools.run([*argv, "-p", "infractl-lint", *files, "config", "--format", "json", "--no-interpolate",
                      "--no-normalize", "--no-path-resolution", "--no-env-resolution", "--no-consistency"],
                     cwd=str(members[0].parent), timeout=120)
    failure = done.failure()
    if failure is not None:
        return None, failure
    try:
        return environment_by_name(json.loads(done.stdout)), None
    except ValueError as exc:
        return None, f"its output is not JSON: {exc}"


def merge_models(documents: list) -> dict:
    """The fallback: Compose's merge rules for services (mappings merged key by key; ports, volumes and
    the like appended; environment and labels merged by name; anything else replaced by the later file)."""
    services: dict = {}
    for document in documents:
        for name, service in ((document or {}).get("services") or {}).items() if isinstance(document, dict) else ():
            if isinstance(service, dict):
                services[name] = _merge(services.get(name) or {}, service)
    return {"services": services}


def _merge(base: dict, overlay: dict) -> dict:
    merged = dict(base)
    for key, value in overlay.items():
        earlier = merged.get(key)
        if key in _MAPPED and earlier is not None:
            merged[key] = {**_as_mapping(earlier), **_as_mapping(value)}
        elif key in _APPENDED and isinstance(earlier, list) and isinstance(value, list):
            merged[key] = earlier + [item for item in value if item not in earlier]
        elif isinstance(earlier, dict) and isinstance(value, dict):
            merged[key] = _merge(earlier, value)
        else:
            merged[key] = value
    return merged


def _as_mapping(value) -> dict:
    if isinstance(value, dict):
        return dict(value)
    if isinstance(value, list):
        return dict(str(item).partition("=")[::2] for item in value)
    return {}
