"""Unpacking downloaded archives the same way on every Python 3.11."""

from __future__ import annotations

import tarfile
from pathlib import Path


def extract_tar(archive: tarfile.TarFile, target: Path) -> None:
    """The "data" filter (no links out of ``target``, no device files) exists from Python 3.11.4; Debian
    12's python3 is 3.11.2, where extractall() takes no filter (sdists from PyPI are what we unpack)."""
    if hasattr(tarfile, "data_filter"):
        archive.extractall(target, filter="data")
    else:
        archive.extractall(target)
