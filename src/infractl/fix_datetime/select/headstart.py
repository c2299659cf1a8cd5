"""A head start for ``infractl check``: the datetime area's byte scan, begun before the imports.

A plain ``infractl check`` spends ~40 ms importing its modules and running the other areas before the
datetime area reads a file, and reading and scanning a big tree is most of the rest. So ``entry``
calls ``begin()`` first thing: a forked child walks the Python files (``files.iter_file_names``, as
``fix_datetime.command.collect`` will) and scans them from the first one on (``prescan``). When
``collect`` gets there, it walks too and calls ``finish()``, which scans from the last file backwards
until it meets the child: each side claims a chunk before scanning it, in two counters both processes
see (shared memory), so the work splits itself whatever the machine's load. A chunk near the meeting
point may be scanned twice; none is left out.

The child's part counts only if it walked exactly the same files (same paths, exclude globs and project
root, and the same list: its hash travels with the answer). Otherwise, or if the child failed, ``finish``
returns None and ``collect`` scans everything itself. ``end()`` (on every way out) stops a child nobody
finished with.

``begin`` imports what the child needs before it forks: this process needs the same modules (pathlib,
the config loader, the walk, the scan), so importing them first costs it nothing, and spares the child
importing them a second time (~10 ms of CPU on the other core, which the scan then gets).
"""

from __future__ import annotations

import os

CHUNK = 64  # files claimed at a time: small, so the meeting point costs little, large enough to batch
NOBODY = 2**31 - 1  # the parent's lowest claim before it claims anything

_child = None  # forked.Forked, until finish() or end()
_claims = None  # mmap of two ints: the child's next index, the parent's lowest claimed index


def begin(path: str, config_path: str | None) -> None:
    """Fork the child scanning ``path`` with the project's ``[tool.infractl.fix_datetime]`` excludes."""
    global _child, _claims
    from infractl.forked import Forked, can_fork

    if _child is not None or not can_fork():
        return
    # what the child runs, loaded before the fork (the module's docstring says why)
    import mmap
    import pathlib  # noqa: F401

    from infractl import config, files  # noqa: F401
    from infractl.fix_datetime.select import prescan  # noqa: F401

    _claims = mmap.mmap(-1, 8)  # anonymous and shared with the child
    _set(0, 0)
    _set(1, NOBODY)
    _child = Forked(lambda: _child_part(path, config_path))


def _get(slot: int) -> int:
    import struct

    return struct.unpack_from("i", _claims, slot * 4)[0]


def _set(slot: int, value: int) -> None:
    import struct

    struct.pack_into("i", _claims, slot * 4, value)


def _child_part(path: str, config_path: str | None) -> bytes:
    import marshal  # built in and already loaded (it reads .pyc files): no import cost
    from pathlib import Path

    from infractl.config import load_config, string_list
    from infractl.files import iter_file_names
    from infractl.fix_datetime.select.prescan import scan

    config = load_config(Path(path), Path(config_path) if config_path else None)
    exclude = string_list(config.section("fix_datetime"), "exclude", "[tool.infractl.fix_datetime]")
    files = list(iter_file_names([Path(path)], (".py",), exclude, config.root))
    found: list[int] = []
    start = 0
    while start < (stop := min(_get(1), len(files))):
        end = min(start + CHUNK, stop)
        _set(0, end)  # claimed before it is scanned
        found += scan(files, range(start, end))
        start = end
    answer = {"key": key([Path(path)], exclude, config.root), "files": _digest(files), "flagged": found}
    return marshal.dumps(answer)


def key(paths, exclude, root) -> list:
    """What makes two walks the same walk."""
    return [[os.path.realpath(p) for p in paths], list(exclude), os.path.realpath(root)]  # lists, so a tuple and a list of the same globs are one walk


def _digest(files: list[str]) -> list[int]:
    """Which list of files it was: its length and its hash (the child is a fork, so both processes hash
    strings with the same secret; no hashlib to import)."""
    return [len(files), hash("\0".join(files))]


def finish(paths, exclude, root, files: list[str]):
    """``prescan.flagged(files)``'s answer (a ``prescan.Flagged``), the child's part and this process's
    part together; None when there is no head start for this walk."""
    global _child
    if _child is None:
        return None
    from infractl.fix_datetime.select.prescan import decoded, file_index, scan

    mine: list[int] = []
    top = len(files)
    while (low := max(top - CHUNK, _get(0))) < top:
        _set(1, low)  # claimed before it is scanned
        mine += scan(files, range(low, top))
        top = low
    child, _child = _child, None
    try:
        data = child.result()
    finally:
        child.stop()
    if data is None:
        return None
    import marshal

    answer = marshal.loads(data)  # written by our own fork, not read from anywhere else
    if answer["key"] != key(paths, exclude, root) or answer["files"] != _digest(files):
        return None
    # a chunk both scanned gives the same flags twice
    return decoded(files, sorted({*answer["flagged"], *mine}, key=file_index))


def end() -> None:
    """Stop a child nobody finished with (an error, Ctrl-C, or no datetime area)."""
    global _child
    if _child is not None:
        child, _child = _child, None
        child.stop()
