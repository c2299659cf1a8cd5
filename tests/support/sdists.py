"""Real third-party source trees from PyPI, downloaded once and cached under .cache/sdists/.

``sdist_tree("nox", "2026.10.20")`` returns the unpacked tree. When the package index cannot be
reached the test is skipped with that reason (never silently passed); a second run reads the cache.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from support.archives import extract_tar
from support.cache import cache_dir

CACHE = cache_dir("sdists")


def sdist_tree(name: str, version: str) -> Path:
    unpacked = CACHE / "unpacked"
    archives = CACHE / "archives"
    stem = f"{name.replace('-', '_')}-{version}"
    for candidate in (unpacked / stem, unpacked / f"{name}-{version}"):
        if candidate.is_dir():
            return candidate
    archives.mkdir(parents=True, exist_ok=True)
    found = _archive(archives, name, version)
    if found is None:
        done = subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
             "--disable-pip-version-check", "-d", str(archives), f"{name}=={version}"],
            capture_output=True, text=True, timeout=300, check=False,
        )
        found = _archive(archives, name, version)
        if found is None:
            pytest.skip(f"cannot download the {name}=={version} sdist from the package index: "
                        f"{done.stderr.strip().splitlines()[-1:] or done.returncode}")
    unpacked.mkdir(parents=True, exist_ok=True)
    with tarfile.open(found) as archive:
        extract_tar(archive, unpacked)
    return next(p for p in (unpacked / stem, unpacked / f"{name}-{version}") if p.is_dir())


def _archive(directory: Path, name: str, version: str) -> Path | None:
    for stem in (f"{name.replace('-', '_')}-{version}", f"{name}-{version}"):
        if (directory / f"{stem}.tar.gz").is_file():
            return directory / f"{stem}.tar.gz"
    return None
