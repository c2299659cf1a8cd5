"""Where a repository keeps its manifests: kustomizations, compose files and Dockerfiles, by name.

Light on purpose (no YAML, no linting): ``infractl check`` asks this first and imports the linters only
when something is found.
"""

from __future__ import annotations

from pathlib import Path

KUSTOMIZATIONS = ("kustomization.yaml", "kustomization.yml", "Kustomization")


def is_dockerfile(name: str) -> bool:
    """Dockerfile, Dockerfile.*, *.Dockerfile (not a per-Dockerfile Dockerfile.dockerignore)."""
    return (name == "Dockerfile" or name.startswith("Dockerfile.") or name.endswith(".Dockerfile")) \
        and not name.endswith(".dockerignore")


def find_dockerfiles(directory: Path, exclude: tuple[str, ...] | list[str] = (),
                     project_root: Path | None = None, scanner=None) -> list[Path]:
    """Dockerfiles under ``directory`` (the usual walk: .gitignore and virtualenvs skipped, and the
    ``exclude`` globs, relative to ``project_root``, default ``directory``)."""
    from infractl.files import iter_files

    return list(iter_files([directory], (), tuple(exclude), project_root or directory, match=is_dockerfile,
                           cache=scanner and scanner.walks))


def kustomizations_and_composes(root: Path, scanner=None) -> tuple[list[Path], list[Path]]:
    """Every kustomization directory that is not a Component, and every compose file, under ``root``."""
    from infractl.files import iter_files, read_bytes

    directories, composes = [], []
    for path in iter_files([root], (".yaml", ".yml", "Kustomization"), (), root, cache=scanner and scanner.walks):
        if path.name in KUSTOMIZATIONS:
            if b"kind: Component" not in (scanner.read if scanner else read_bytes)(str(path)):
                directories.append(path.parent)
        elif path.name.startswith(("docker-compose", "compose.")):
            composes.append(path)
    return directories, composes
