"""Checks of the files themselves: what the container user can read, what WireMock skips, body files."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from infractl.findings import Finding
from infractl.wiremock.mappings.checks_stub import finding
from infractl.wiremock.mappings.loading import Stub, Tree, display
from infractl.wiremock.mappings.rules import RULE


def check_permissions(tree: Tree) -> list[Finding]:
    """The container's user is not the files' owner: only the "others" bits count for it."""
    out = []
    for path, mode in tree.modes.items():
        if stat.S_ISDIR(mode):
            if mode & (stat.S_IROTH | stat.S_IXOTH) != (stat.S_IROTH | stat.S_IXOTH):
                out.append(RULE["WM013"].finding(display(path), None, None,
                                                 f"directory mode {stat.S_IMODE(mode):o} lacks r-x for others: WireMock in a "
                                                 "container (another user) cannot list or enter it",
                                                 f"chmod o+rx {display(path)}"))
        elif stat.S_ISREG(mode) and not mode & stat.S_IROTH:
            under_mappings = path.startswith(str(tree.mappings_dir) + os.sep)
            consequence = ("WireMock refuses to start" if under_mappings and path.endswith(".json")
                           else "serving it fails with HTTP 500")
            out.append(RULE["WM012"].finding(display(path), None, None,
                                             f"file mode {stat.S_IMODE(mode):o} has no read bit for others: as the container "
                                             f"user {consequence}", f"chmod o+r {display(path)}"))
    return out


def check_ignored(tree: Tree) -> list[Finding]:
    out = []
    for path in tree.ignored:
        suffix = path.suffix
        hint = (f"rename it to {path.stem}.json" if suffix.lower() in (".json", ".json5")
                else "move it out of mappings/ (or rename it to .json if it is a mapping)")
        out.append(RULE["WM014"].finding(display(path), None, None,
                                         f"WireMock only loads files ending in lowercase .json: {path.name} is silently ignored",
                                         hint))
    return out


def resolve_body_file(tree: Tree, name: str) -> tuple[Path | None, str | None]:
    """The body file's path, or why it cannot be one: (path, None) or (None, reason)."""
    if os.path.isabs(name) or name.startswith(("/", "\\")):
        return None, "is an absolute path"
    candidate = tree.files_dir / name
    inside = os.path.normpath(candidate).startswith(os.path.normpath(tree.files_dir) + os.sep)
    if ".." in Path(name).parts and not inside:
        return None, "climbs out of __files/ with '..'"
    # Only a symlink can lead out once the name stays inside: skip realpath() when there is none.
    if tree.symlinks and os.path.lexists(candidate) and not os.path.realpath(candidate).startswith(
            os.path.realpath(tree.files_dir) + os.sep):
        return None, "is a symlink that points outside __files/ (not in the container's mount)"
    return candidate, None


def check_body_file(tree: Tree, stub: Stub, response: dict) -> tuple[list[Finding], str | None]:
    """Findings for ``bodyFileName``, and the body file's path when it exists."""
    name = response.get("bodyFileName")
    if not isinstance(name, str) or "{{" in name:
        return [], None
    path, reason = resolve_body_file(tree, name)
    if reason:
        return [finding(stub, ("response", "bodyFileName"), "WM011",
                        f"bodyFileName {name!r} {reason}: WireMock serves only files under __files/",
                        "put the file under __files/ and name it relative to __files/")], None
    # The walk already saw every file under __files/: a dictionary lookup instead of a stat() per stub.
    if not stat.S_ISREG(tree.modes.get(str(path), 0)) and not path.is_file():
        return [finding(stub, ("response", "bodyFileName"), "WM010",
                        f"bodyFileName {name!r} does not exist under {display(tree.files_dir)}/: WireMock "
                        "starts, then answers HTTP 500 when the stub is hit",
                        f"create {display(path)} or fix the name")], None
    return [], str(path)


def read_body(path: str | None) -> str | None:
    """The first MiB of a body file as text (for the templating check), None when unreadable."""
    if path is None:
        return None
    try:
        with open(path, "rb") as handle:
            return handle.read(1 << 20).decode("utf-8", errors="replace")
    except OSError:
        return None
