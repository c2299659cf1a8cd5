"""The lint API: objects -> findings (schema + hardening rules), compose files, and whole directories.

``infractl deploy`` calls ``lint_objects`` on what it rendered (images pinned, secrets filled in memory);
``infractl manifests lint`` calls ``lint_directory``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from infractl.findings import Finding
from infractl.manifests.checks.rules import RULE

DEFAULT_KUBE_VERSION = "1.33.0"

# locate(obj, keys) -> (path, line): where an object (and a key path inside it) comes from.
Locator = Callable[[dict, tuple], tuple[str | None, int | None]]


def _finding(source: str, locate: Locator | None, obj: dict, keys: tuple, rule: str, message: str,
             fix: str = "", severity=None) -> Finding:
    path, line = locate(obj, keys) if locate else (None, None)
    return RULE[rule].finding(path or source, line, None, message, fix, severity)


def lint_objects(objects: list[dict], source: str, kube_version: str = DEFAULT_KUBE_VERSION,
                 locate: Locator | None = None, secrets_filled: bool = False,
                 built_images: frozenset[str] = frozenset()) -> list[Finding]:
    """Schema validation (strict, offline) and the hardening rules over rendered objects.

    ``source`` is the path shown for findings whose object cannot be located (``locate`` maps an object
    and a key path inside it to its source file and line). ``secrets_filled=True`` (deploy, after it
    injected the Secret values) also reports keys of the ``infractl.dev/filled-at-deploy`` annotation
    that are still empty. ``built_images``: what skaffold builds and tags at deploy (skaffold.py).
    """
    from infractl.manifests.checks.crds import CrdValidators
    from infractl.manifests.checks.hardening import hardening_hits, label
    from infractl.manifests.checks.schema import MAX_ERRORS_PER_OBJECT, schema_errors

    findings: list[Finding] = []
    crds = CrdValidators(objects)
    api_fix = f"check the field against the Kubernetes {kube_version} API"
    for obj in objects:
        errors, fix = schema_errors(obj, kube_version), api_fix
        if errors is None:
            errors, fix = crds.errors(obj, MAX_ERRORS_PER_OBJECT), "check the field against its CustomResourceDefinition"
        if errors is None:
            findings.append(_finding(source, locate, obj, (), "K8S002",
                                     f"{label(obj)}: no schema for {obj.get('apiVersion')} {obj.get('kind')} and "
                                     "no CustomResourceDefinition for it in these manifests; not validated"))
            continue
        for keys, message in errors:
            if obj.get("kind") == "Secret" and keys[:1] in (("data",), ("stringData",)):
                # the schema message quotes the value, and a deploy has filled real ones in by now
                message = f"{'.'.join(map(str, keys))}: not a valid Secret value (not shown)"
            findings.append(_finding(source, locate, obj, keys, "K8S001", f"{label(obj)}: {message}", fix))
    for hit in hardening_hits(objects, secrets_filled, built_images):
        findings.append(_finding(source, locate, hit.obj, hit.keys, hit.rule, hit.message, hit.fix, hit.severity))
    return findings


def lint_rendered(directory: Path, objects: list[dict], kube_version: str = DEFAULT_KUBE_VERSION,
                  secrets_filled: bool = False, display_root: Path | None = None) -> list[Finding]:
    """``lint_objects`` for objects rendered from ``directory`` elsewhere (deploy pins the image and fills
    the Secret first), with findings traced to the directory's source files and lines, plus the
    kustomization files' own rules."""
    from infractl.manifests.kustomize.sourcemap import build_source_map, display_path

    root = display_root or Path.cwd()
    source_map = build_source_map(Path(directory), root)
    return (lint_objects(objects, display_path(Path(directory), root), kube_version, source_map.locate,
                         secrets_filled)
            + lint_kustomizations(source_map.kustomizations))


def lint_kustomizations(kustomizations: list[tuple[str, object]]) -> list[Finding]:
    """Rules over the kustomization files themselves (K8S116 commonLabels)."""
    findings = []
    for path, document in kustomizations:
        if isinstance(document, dict) and "commonLabels" in document:
            findings.append(RULE["K8S116"].finding(path, document.key_lines["commonLabels"], None,
                                                   "commonLabels also rewrites selectors, which are immutable",
                                                   "use labels: [{pairs: {...}, includeSelectors: false}]"))
    return findings


def lint_compose(path: Path, display: str | None = None) -> list[Finding]:
    """The compose rules; COMPOSE000 for a file docker compose would refuse (not YAML, a duplicate key,
    an alias bomb, not UTF-8, unreadable)."""
    from infractl.load import LoadError
    from infractl.load.yamldocs import load_file_documents
    from infractl.manifests.checks.compose import compose_hits
    from infractl.manifests.kustomize.sourcemap import deepest_line

    shown = display or str(path)
    try:
        documents = load_file_documents(path)
    except LoadError as exc:
        return [RULE["COMPOSE000"].finding(shown, exc.line, exc.column, str(exc),
                                           "fix the file: docker compose refuses it")]
    document = documents[0] if documents else None
    return [RULE[rule].finding(shown, deepest_line(document, keys), None, message, fix)
            for keys, rule, message, fix in compose_hits(document, Path(path).name)]


def lint_directory(path: Path, kube_version: str = DEFAULT_KUBE_VERSION, images: dict[str, str] | None = None,
                   compose_files: list[Path] | None = None, display_root: Path | None = None,
                   stats: dict | None = None, exclude: tuple[str, ...] = (),
                   project_root: Path | None = None) -> list[Finding]:
    """Render the kustomization in ``path`` with the real kustomize and lint what it gives, plus the
    kustomization files (commonLabels), compose files (default: a compose file inside ``path``) and the
    Dockerfiles under ``path`` (less the ``exclude`` globs, relative to ``project_root``, default ``path``).

    Paths in findings are relative to ``display_root`` (default: the current directory) where possible;
    ``stats`` (when given) receives the counts of objects and compose files checked.
    """
    from infractl.manifests.kustomize.discover import find_dockerfiles
    from infractl.manifests.kustomize.render import find_kustomization

    path = Path(path)
    if (find_kustomization(path) is None and compose_files is None
            and not compose_files_in(path)
            and not find_dockerfiles(path, exclude, project_root)):
        from infractl.errors import InfractlError

        raise InfractlError(f"{path}: no kustomization.yaml and no compose file, nor a Dockerfile")
    return (lint_kustomization(path, kube_version, images, display_root, stats)
            + lint_beside(path, compose_files, display_root, stats, exclude, project_root))


def lint_kustomization(path: Path, kube_version: str = DEFAULT_KUBE_VERSION,
                       images: dict[str, str] | None = None, display_root: Path | None = None,
                       stats: dict | None = None, built_images: frozenset[str] = frozenset()) -> list[Finding]:
    """The kustomization in ``path`` (none: no findings) rendered with the real kustomize and linted,
    with its kustomization files' own rules; RenderError when kustomize refuses it."""
    from infractl.manifests.kustomize.render import (
        find_kustomization,
        finish_render,
        parse_rendered,
        render_text,
        start_render,
        stop_render,
    )
    from infractl.manifests.kustomize.sourcemap import build_source_map, display_path

    path = Path(path)
    if find_kustomization(path) is None:
        return []
    root = display_root or Path.cwd()
    # kustomize runs in its own process while this one reads the sources and loads the schemas.
    process = start_render(path) if not images else None
    try:
        source_map = build_source_map(path, root)
        _warm_schemas(kube_version)
    except BaseException:  # a bad --kube-version, Ctrl-C: leave no kustomize behind
        if process is not None:
            stop_render(process)
        raise
    text = finish_render(process, path) if process else render_text(path, images)
    objects = parse_rendered(text)
    if stats is not None:
        stats["objects"] = stats.get("objects", 0) + len(objects)
    return (lint_objects(objects, display_path(path, root), kube_version, source_map.locate,
                         built_images=built_images)
            + lint_kustomizations(source_map.kustomizations))


def lint_beside(path: Path, compose_files: list[Path] | None = None, display_root: Path | None = None,
                stats: dict | None = None, exclude: tuple[str, ...] = (), project_root: Path | None = None,
                dockerfiles: bool = True) -> list[Finding]:
    """What a manifests directory holds besides a kustomization: the Dockerfiles under ``path`` (unless
    ``dockerfiles`` is False: an enclosing directory lints them) and its compose files (default: those
    inside ``path``)."""
    from infractl.manifests.checks.dockerfile import lint_dockerfile
    from infractl.manifests.compose_files import lint_compose_files
    from infractl.manifests.kustomize.discover import find_dockerfiles
    from infractl.manifests.kustomize.sourcemap import display_path

    root = display_root or Path.cwd()
    findings: list[Finding] = []
    found = find_dockerfiles(path, exclude, project_root) if dockerfiles else []
    for dockerfile in found:
        findings += lint_dockerfile(dockerfile, display_path(dockerfile, root))
    if compose_files is None:
        compose_files = compose_files_in(path)
    findings += lint_compose_files(compose_files, root)
    if stats is not None:
        stats["dockerfiles"] = stats.get("dockerfiles", 0) + len(found)
        stats["compose_files"] = stats.get("compose_files", 0) + len(compose_files)
    return findings


def compose_files_in(directory: Path) -> list[Path]:
    """The compose files directly in ``directory`` (compose.yaml, its overrides and overlays, and
    docker-compose*.yml), by name."""
    from infractl.manifests.kustomize.discover import is_compose_file

    try:
        return sorted(path for path in Path(directory).iterdir() if is_compose_file(path.name) and path.is_file())
    except OSError:
        return []


def _warm_schemas(kube_version: str) -> None:
    from infractl.manifests.checks.schema import definitions, schema_dir

    definitions(schema_dir(kube_version))

