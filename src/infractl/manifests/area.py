"""``check``'s manifests area: ``manifests lint`` over what the repository holds (areas.py says what an
area is)."""

from __future__ import annotations

from pathlib import Path

from infractl.check.protocol import Area, shown


def collect(root: Path, config, scanner):
    """Kustomize directories (``dirs`` in [tool.infractl.manifests], else every kustomization that is not a
    Component) rendered with the real kustomize and linted, plus the compose files found beside them, the
    plain Kubernetes YAML that no kustomization renders (discovered by content), and every Dockerfile in
    the repository (less the section's ``exclude`` globs) and the configured ones; each input isolated
    (check/isolation.py). None when there is none of them."""
    from infractl.config import string_list
    from infractl.manifests.kustomize.discover import find_dockerfiles, find_manifests

    section = config.section("manifests")
    where = "[tool.infractl.manifests]"
    directories = [config.root / d for d in string_list(section, "dirs", where)]
    composes = [config.root / f for f in string_list(section, "compose_files", where)]
    exclude = tuple(string_list(section, "exclude", where))
    dockerfiles = [config.root / f for f in string_list(section, "dockerfiles", where)]
    plain: list[Path] = []
    if not directories and not composes:
        directories, composes, plain = find_manifests(root, scanner, exclude, config.root)
    dockerfiles += find_dockerfiles(root, exclude, config.root, scanner)
    if not directories and not composes and not dockerfiles and not plain:
        return None
    from infractl.check.isolation import isolated
    from infractl.manifests.command import collect as lint_manifests
    from infractl.manifests.lint import DEFAULT_KUBE_VERSION
    from infractl.rulebook.selection import RuleSelection

    version = section.get("kube_version") or DEFAULT_KUBE_VERSION
    # check applies the table's select/ignore and its own (flags first) to every area's findings
    report = lint_manifests([shown(d) for d in directories], [shown(c) for c in composes], dockerfiles, version,
                            RuleSelection(), exclude=exclude, project_root=config.root,
                            each_input=lambda path, lint: isolated("manifests", shown(path), lint),
                            manifest_files=[shown(p) for p in plain], skaffold_roots=(root, config.root))
    counted = report.summary  # check's line for the area says what the repository held, not which DIR was named
    report.headline = (f"{counted['objects']} Kubernetes objects in {len(directories)} kustomizations"
                       f"{f' and {len(plain)} manifest files' if plain else ''}, "
                       f"{counted['compose_files']} compose files, {counted['dockerfiles']} Dockerfiles")
    return report


AREA = Area("manifests", "manifests", "infractl.manifests.command:KEYS", collect,
            looked_for="kustomizations, Dockerfiles and the compose files beside them "
                       "([tool.infractl.manifests] dirs)")


def collect_env_files(root: Path, config, scanner):
    """Committed env files with secret-looking keys (manifests/checks/envfiles.py says why this is an area
    of its own); the [tool.infractl.manifests] table's ``exclude`` and ``compose_files`` apply, and the
    compose files of ``infractl deploy``'s environments tell which env files compose reads."""
    from infractl.config import string_list
    from infractl.manifests.checks.review.envfiles import collect as env_files

    section = config.section("manifests")
    where = "[tool.infractl.manifests]"
    composes = [config.root / f for f in string_list(section, "compose_files", where)]
    for environment in (config.section("deploy") or {}).values():
        if isinstance(environment, dict):
            named = environment.get("compose_files") or [environment.get("compose_file")]
            composes += [config.root / f for f in named if isinstance(f, str)]
    return env_files(root, tuple(string_list(section, "exclude", where)), composes, scanner, config.root)


ENV_AREA = Area("envfiles", "manifests", "infractl.manifests.command:KEYS", collect_env_files,
                looked_for=".env, *.env and .env.* files (committed: tracked by git, else not ignored)")
