"""``infractl manifests lint [DIR]``: render (real kustomize) and check; no cluster, no build.

DIR defaults to ``dirs`` in ``[tool.infractl.manifests]``, else the current directory. Compose files inside
DIR are linted too, and so are the configured ``compose_files``; so are the Dockerfiles under DIR (less the
``exclude`` globs) and, with no DIR, the configured ``dockerfiles``.
Exit: 0 clean (warnings alone do not fail), 1 error findings (warnings too with --strict), 2 bad input.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from infractl.config import Config, load_config, reject_unknown_keys, string_list
from infractl.errors import EXIT_FINDINGS, EXIT_OK, InfractlError
from infractl.findings import Finding, fails
from infractl.render import Report, print_report
from infractl.rulebook.selection import RuleSelection, keep_wanted, resolve_selection

COMMAND = "manifests lint"
SECTION = "manifests"
WHERE = "[tool.infractl.manifests]"
KEYS = ("dirs", "compose_files", "dockerfiles", "exclude", "kube_version", "select", "ignore")


def run(directory: Path | None, kube_version: str | None, fmt: str, strict: bool, config_path: Path | None,
        select=None, ignore=None, fix=None) -> int:
    """``fix``: ``fixing.FixOptions`` for ``--fix`` (None: report only)."""
    from infractl.discover.files import named_directory
    from infractl.manifests.lint import DEFAULT_KUBE_VERSION

    if directory is not None:
        named_directory(directory)  # before the config search climbs from it (a symlink loop ends it there)
    config = load_config(start=directory, explicit=config_path)
    section = config.section(SECTION)
    selection = lint_selection(config, select, ignore)
    version = kube_version or section.get("kube_version") or DEFAULT_KUBE_VERSION
    if not isinstance(version, str):
        raise InfractlError(f"{WHERE}: kube_version must be a string such as \"1.33.0\"")
    if directory is not None:
        directories = [directory]
    else:
        directories = [config.root / d for d in string_list(section, "dirs", WHERE)] or [Path(".")]
    compose_files = [config.root / f for f in string_list(section, "compose_files", WHERE)]
    for compose_file in compose_files:
        if not compose_file.is_file():
            raise InfractlError(f"{WHERE}: compose file not found: {compose_file}")
    dockerfiles = [config.root / f for f in string_list(section, "dockerfiles", WHERE)]
    for dockerfile in dockerfiles:
        if not dockerfile.is_file():
            raise InfractlError(f"{WHERE}: Dockerfile not found: {dockerfile}")
    exclude = tuple(string_list(section, "exclude", WHERE))
    for each in directories:
        named_directory(each)
    directories, manifest_files = expand(directories, exclude, config.root)
    named = directory is not None  # a DIR argument: the configured compose files and Dockerfiles are not asked for
    report = collect(directories, [] if named else compose_files, [] if named else dockerfiles, version,
                     selection, exclude=exclude, project_root=config.root, manifest_files=manifest_files)
    if fix is not None:
        import os

        from infractl.fixing.outcome import report_with_fixes
        from infractl.fixing.workspace import moved

        inputs = [*directories, *manifest_files, *([] if named else [*compose_files, *dockerfiles])]
        target = Path(os.path.commonpath([os.path.abspath(p) for p in inputs]))  # every input is below it
        if not target.is_dir():
            target = target.parent

        def recheck(copy: Path) -> list[Finding]:
            return collect([moved(d, target, copy) for d in directories],
                           [] if named else [moved(f, target, copy) for f in compose_files],
                           [] if named else [moved(f, target, copy) for f in dockerfiles], version, selection,
                           exclude=exclude, project_root=config.root,
                           manifest_files=[moved(f, target, copy) for f in manifest_files]).findings

        return report_with_fixes(report, target, recheck, fix, fmt, strict)
    print_report(report, fmt)
    return EXIT_FINDINGS if fails(report.findings, strict) else EXIT_OK


def expand(directories: list[Path], exclude: tuple[str, ...], project_root: Path) -> tuple[list[Path], list[Path]]:
    """(directories, plain manifest files) to lint for the directories asked for: one with a kustomization
    is itself; one without is itself (its compose files and Dockerfiles), the kustomizations below it and
    its plain Kubernetes YAML (discover.find_manifests). A directory with none of these is an error."""
    from infractl.manifests.kustomize.discover import find_dockerfiles, find_manifests
    from infractl.manifests.kustomize.render import find_kustomization
    from infractl.manifests.lint import compose_files_in

    expanded, manifest_files = [], []
    for directory in directories:
        expanded.append(directory)
        if find_kustomization(directory) is not None:
            continue
        nested, _, plain = find_manifests(directory, exclude=exclude, project_root=project_root)
        expanded += nested
        manifest_files += plain
        if (not nested and not plain and not compose_files_in(directory)
                and not find_dockerfiles(directory, exclude, project_root)):
            raise InfractlError(f"{directory}: no kustomization.yaml and no compose file, nor a Dockerfile or "
                                "a Kubernetes manifest (YAML with apiVersion and kind)")
    return list(dict.fromkeys(expanded)), manifest_files


def collect(directories: list[Path], compose_files: list[Path], dockerfiles: list[Path], kube_version: str,
            selection: RuleSelection, *, exclude: tuple[str, ...] = (), project_root: Path | None = None,
            rendered: tuple[Path, list[dict]] | None = None,
            each_input: Callable[[Path, Callable[[], list[Finding]]], list[Finding]] | None = None,
            manifest_files: list[Path] | tuple = (), skaffold_roots: tuple[Path, ...] = ()) -> Report:
    """The manifests pipeline, for ``manifests lint``, ``check``'s manifests area and ``deploy``'s check step,
    printing nothing: each kustomization directory rendered and linted (with its compose files and
    Dockerfiles), then the compose files and Dockerfiles the directories did not hold; the report holds the
    findings ``selection`` and ``# noqa`` leave, and counts objects, compose files and Dockerfiles.
    ``rendered`` is (directory, objects) that deploy rendered itself (image pinned, Secret values filled
    in). A kustomization that kustomize refuses is K8S000 on its directory, with kustomize's whole message
    (K8S004, a warning, when it needs the network, Helm or a plugin to render), and the others are still
    linted. ``each_input(path, lint)`` runs each input's ``lint`` (``check`` turns any other failure of one
    input into a finding on it); by default an input that cannot be read stops the run. ``manifest_files`` are plain Kubernetes YAML files, linted as one set (plain.py); findings that overlapping kustomizations repeat are reported once (dedupe).
    ``skaffold_roots``: where skaffold.yaml may say which images it builds (default: ``project_root``)."""
    from functools import partial

    from infractl.manifests.checks.dockerfile import lint_dockerfile
    from infractl.manifests.checks.noqa import noqa_lines
    from infractl.manifests.compose_files import groups, lint_compose_set
    from infractl.manifests.kustomize.discover import find_dockerfiles
    from infractl.manifests.kustomize.sourcemap import display_path
    from infractl.manifests.lint import lint_beside, lint_kustomization, lint_rendered
    from infractl.manifests.plain import lint_plain_manifests
    from infractl.manifests.skaffold import built_images

    run = each_input or (lambda path, lint: lint())
    stats: dict = {}
    cwd = Path.cwd()
    findings: list[Finding] = []
    built = built_images(*(skaffold_roots or (project_root,)))
    if rendered is not None:
        directory, objects = rendered
        findings += run(directory, partial(lint_rendered, directory, objects, kube_version, secrets_filled=True))
        stats["objects"] = stats.get("objects", 0) + len(objects)
    for directory in directories:
        findings += run(directory, partial(_rendered_or_finding, directory, partial(
            lint_kustomization, directory, kube_version, stats=stats, built_images=built)))
        findings += run(directory, partial(lint_beside, directory, stats=stats, exclude=exclude,
                                           project_root=project_root,
                                           dockerfiles=not _inside_another(directory, directories)))
    if manifest_files:
        findings += run(Path(manifest_files[0]).parent, partial(lint_plain_manifests, list(manifest_files),
                                                                kube_version, stats=stats, built_images=built))
    already = {p.resolve() for d in directories if d.is_dir() for p in d.iterdir() if p.is_file()}
    remaining = [c for c in dict.fromkeys(compose_files) if c.resolve() not in already]
    for members in groups(remaining):
        findings += run(members[-1], partial(lint_compose_set, members, [display_path(m, cwd) for m in members]))
    stats["compose_files"] = stats.get("compose_files", 0) + len(remaining)
    already = {p.resolve() for d in directories for p in find_dockerfiles(d, exclude, project_root)}
    for dockerfile in dict.fromkeys(p.resolve() for p in dockerfiles):
        if dockerfile not in already:
            findings += run(dockerfile, partial(lint_dockerfile, dockerfile, display_path(dockerfile, cwd)))
            stats["dockerfiles"] = stats.get("dockerfiles", 0) + 1
    findings = dedupe(keep_wanted(findings, selection, noqa_lines))
    shown = ", ".join(str(d) for d in directories)
    return Report(
        command=COMMAND,
        findings=findings,
        summary={"objects": stats.get("objects", 0), "manifest_files": stats.get("manifest_files", 0),
                 "compose_files": stats.get("compose_files", 0),
                 "dockerfiles": stats.get("dockerfiles", 0), "findings": len(findings)},
        headline=f"{shown}: {_count(stats.get('objects', 0), 'object')}{_plain(stats)}, "
                 f"{_count(stats.get('compose_files', 0), 'compose file')}"
                 f"{_dockerfiles(stats)} checked against Kubernetes {kube_version}",
        extra={"kube_version": kube_version, "directories": [str(d) for d in directories]},
        group_by_path=True,
    )


def dedupe(findings: list[Finding]) -> list[Finding]:
    """One finding per (rule, source file, line): a base that several overlays render gives the same
    finding once per overlay (the message names how many share it). Findings without a line (a whole
    file, an object that could not be located) are kept apart by their message too."""
    groups: dict[tuple, list[Finding]] = {}
    for finding in findings:
        key = (finding.rule, finding.path, finding.line) if finding.line is not None else \
            (finding.rule, finding.path, None, finding.message)
        groups.setdefault(key, []).append(finding)
    kept = []
    for same in groups.values():
        first = same[0]
        if len(same) > 1:
            first = first._replace(message=f"{first.message} (+{len(same) - 1} more at this source line: "
                                           "the kustomizations or compose files that share it)")
        kept.append(first)
    return kept


def _inside_another(directory: Path, directories: list[Path]) -> bool:
    """True when another of ``directories`` encloses ``directory`` (and lints the Dockerfiles below it)."""
    real = directory.resolve()
    return any(other.resolve() in real.parents for other in directories)


def _rendered_or_finding(directory: Path, lint: Callable[[], list[Finding]]) -> list[Finding]:
    from infractl.manifests.checks.rules import RULE
    from infractl.manifests.kustomize.render import RenderError
    from infractl.manifests.kustomize.sourcemap import display_path

    try:
        return lint()
    except RenderError as exc:
        shown = display_path(directory, Path.cwd())
        if exc.needs:
            return [RULE["K8S004"].finding(shown, None, None, f"not rendered here: it needs {exc.needs}; nothing "
                                           f"in it was checked ({exc})", RULE["K8S004"].fix)]
        return [RULE["K8S000"].finding(shown, None, None, str(exc), "fix what kustomize's message names")]


def lint_selection(config: Config, select=None, ignore=None) -> RuleSelection:
    """What the project wants of the manifests rules: ``select``/``ignore`` of [tool.infractl.manifests], else
    of [tool.infractl] (flags first). The table's keys are checked here, for every command that reads it."""
    reject_unknown_keys(config.section(SECTION), KEYS, WHERE)
    return resolve_selection(config.section(SECTION), config.data, select, ignore, WHERE)


def _plain(stats: dict) -> str:
    files = stats.get("manifest_files")
    return f" (with {_count(files, 'plain manifest file')})" if files else ""


def _dockerfiles(stats: dict) -> str:
    return f", {_count(stats['dockerfiles'], 'Dockerfile')}" if stats.get("dockerfiles") else ""


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
