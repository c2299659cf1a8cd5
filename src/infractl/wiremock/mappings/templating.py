"""Global response templating switched on outside the mappings: WM015 must not call a template "served
literally" when the WireMock that serves it runs with ``--global-response-templating``.

Looked for next to the mappings: in the WireMock root and the directories above it, up to the project's
top (a directory holding ``.git`` or ``pyproject.toml``, at most three levels up), in the Dockerfiles
(``CMD``/``ENTRYPOINT``, or ``WIREMOCK_OPTIONS``) and Compose files (a service's ``command:``) there.
The flag is WireMock's own, so a line that carries it, not commented out, is taken as WireMock's.
"""

from __future__ import annotations

import re
from pathlib import Path

FLAG = "--global-response-templating"
LEVELS = 3
MAX_BYTES = 1 << 20
BUILD_FILE = re.compile(r"^(Dockerfile(\..+)?|.+\.Dockerfile|(docker-)?compose([.-].+)?\.ya?ml)$", re.IGNORECASE)


def declared_beside(root: Path) -> str | None:
    """``path:line`` of the first Dockerfile or Compose file next to the WireMock root ``root`` that starts
    WireMock with global response templating, or None."""
    directory = root.resolve()
    for _ in range(LEVELS + 1):
        found = _in_directory(directory)
        if found is not None:
            return found
        if (directory / ".git").exists() or (directory / "pyproject.toml").is_file() or directory.parent == directory:
            return None
        directory = directory.parent
    return None


def _in_directory(directory: Path) -> str | None:
    try:
        names = sorted(entry.name for entry in directory.iterdir() if BUILD_FILE.match(entry.name))
    except OSError:
        return None  # not listable: nothing declared that can be seen (the mappings' own checks report access)
    for name in names:
        path = directory / name
        try:
            if not path.is_file() or path.stat().st_size > MAX_BYTES:
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if FLAG not in text:
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            if FLAG in line.split("#", 1)[0]:
                return f"{_shown(path)}:{number}"
    return None


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
