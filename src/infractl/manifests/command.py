"""``infractl manifests lint [DIR]``: render (real kustomize) and check; no cluster, no build.

DIR defaults to ``dirs`` in ``[tool.infractl.manifests]``, else the current directory. Compose files inside
DIR are linted too, and so are the configured ``compose_files``; so are the Dockerfiles under DIR (less the
``exclude`` globs) and, with no DIR, the configured ``dockerfiles``.
Exit: 0 clean (warnings alone do not fail), 1 error findings (warnings too with --strict), 2 bad input.
"""

from __future__ import annotations

from pathlib import Path

from infractl.config import load_config, reject_unknown_keys, string_list
from infractl.errors import EXIT_FINDINGS, EXIT_OK, InfractlError
from infractl.findings import fails
from infractl.render import Report, print_report
from infractl.selection import keep_wanted, resolve_selection

COMMAND = "manifests lint"
SECTION = "manifests"
WHERE = "[tool.infractl.manifests]"
KEYS = ("dirs", "compose_files", "dockerfiles", "exclude", "kube_version", "select", "ignore")


def run(directory: Path | None, kube_version: str | None, fmt: str, strict: bool, config_path: Path | None,
        select=None, ignore=None) -> int:
    from infractl.manifests.lint import DEFAULT_KUBE_VERSION, lint_directory

    config = load_config(start=directory, explicit=config_path)
    section = config.section(SECTION)
    reject_unknown_keys(section, KEYS, WHERE)
    selection = resolve_selection(section, config.data, select, ignore, WHERE)
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
    stats: dict = {}
    findings = []
    for each in directories:
        if not each.is_dir():
            raise InfractlError(f"not a directory: {each}")
        findings += lint_directory(each, version, stats=stats, compose_files=None, exclude=exclude,
                                   project_root=config.root)
    if directory is None:
        from infractl.manifests.lint import lint_compose
        from infractl.manifests.sourcemap import display_path

        already = {p.resolve() for d in directories for p in d.iterdir() if p.is_file()}
        for compose_file in compose_files:
            if compose_file.resolve() not in already:
                findings += lint_compose(compose_file, display_path(compose_file, Path.cwd()))
                stats["compose_files"] = stats.get("compose_files", 0) + 1
        findings += _configured_dockerfiles(dockerfiles, directories, exclude, config.root, stats)
    from infractl.manifests.dockerfile import noqa_lines

    findings = keep_wanted(findings, selection, noqa_lines)
    shown = ", ".join(str(d) for d in directories)
    report = Report(
        command=COMMAND,
        findings=findings,
        summary={"objects": stats.get("objects", 0), "compose_files": stats.get("compose_files", 0),
                 "dockerfiles": stats.get("dockerfiles", 0), "findings": len(findings)},
        headline=f"{shown}: {_count(stats.get('objects', 0), 'object')}, "
                 f"{_count(stats.get('compose_files', 0), 'compose file')}"
                 f"{_dockerfiles(stats)} checked against Kubernetes {version}",
        extra={"kube_version": version, "directories": [str(d) for d in directories]},
        group_by_path=True,
    )
    print_report(report, fmt)
    return EXIT_FINDINGS if fails(findings, strict) else EXIT_OK


def _configured_dockerfiles(dockerfiles: list[Path], directories: list[Path], exclude: tuple[str, ...],
                            project_root: Path, stats: dict) -> list:
    """The configured ``dockerfiles`` that the directories' walk did not already lint."""
    from infractl.manifests.discover import find_dockerfiles
    from infractl.manifests.dockerfile import lint_dockerfile
    from infractl.manifests.sourcemap import display_path

    already = {p.resolve() for d in directories for p in find_dockerfiles(d, exclude, project_root)}
    findings = []
    for dockerfile in dockerfiles:
        if dockerfile.resolve() not in already:
            findings += lint_dockerfile(dockerfile, display_path(dockerfile, Path.cwd()))
            stats["dockerfiles"] = stats.get("dockerfiles", 0) + 1
    return findings


def _dockerfiles(stats: dict) -> str:
    return f", {_count(stats['dockerfiles'], 'Dockerfile')}" if stats.get("dockerfiles") else ""


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
