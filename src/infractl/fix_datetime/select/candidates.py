"""From the walked files to the (path, bytes) worth rewriting, and a finding for each file skipped.

Cheap before expensive: a file's bytes are read once; the byte scan (``prescan.worth_a_look``, whose
answer comes with each file) and ``ast`` (``prefilter``) decide whether libcst ever sees it. A file over ``max_file_size`` that mentions the names is not parsed at all
(libcst needs minutes and gigabytes on a multi-megabyte generated module) and gets a DT004 warning.

A symlinked ``.py`` is read and written through its real path, once however many links lead to it, so
a link is never replaced by a regular file; each link to a candidate is reported (DT005, info). A link
that leads outside the paths given (``within``) is reported (DT009) and its target is left alone.
"""

from __future__ import annotations

import os
import re

from infractl.errors import InfractlError
from infractl.fix_datetime.rules import (
    FILE_CANNOT_BE_READ,
    FILE_TOO_LARGE,
    LINK_OUTSIDE_PATHS,
    SYMLINKED_FILE,
)
from infractl.fix_datetime.select.awareprobe import aware_meets_naive_text
from infractl.fix_datetime.select.prefilter import calls_stdlib_utc, may_install_stub
from infractl.fix_datetime.select.prescan import AWARE, STUB, UNREAD, worth_a_look
from infractl.fix_datetime.workers import FileResult
from infractl.load.pysource import MAX_SOURCE_BYTES

DEFAULT_MAX_FILE_SIZE = 2 * 1024 * 1024
# The prefilter's parses are kept for the rewrite only up to this much source: a syntax tree takes ~10-20x
# its text in memory, and a run with more candidates than this goes to the pool, whose workers parse again.
TREES_UP_TO_BYTES = 1024 * 1024
_SIZE = re.compile(r"^\s*(\d+)\s*(|b|kb?|kib|mb?|mib|gb?|gib)\s*$", re.IGNORECASE)
_UNITS = {"": 1, "b": 1, "k": 1 << 10, "kb": 1 << 10, "kib": 1 << 10, "m": 1 << 20, "mb": 1 << 20,
          "mib": 1 << 20, "g": 1 << 30, "gb": 1 << 30, "gib": 1 << 30}


def parse_size(value: object, where: str) -> int:
    """Bytes from ``2097152``, ``"2MB"``, ``"500 KB"`` (K/M/G are powers of 1024); 0 means no limit."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    match = _SIZE.match(value) if isinstance(value, str) else None
    if not match:
        raise InfractlError(f"{where}: max_file_size must be a number of bytes or a size such as '2MB', "
                            f"not {value!r}")
    return int(match.group(1)) * _UNITS[match.group(2).lower()]


def show_size(size: int) -> str:
    return f"{size / (1 << 20):.1f} MB" if size >= 1 << 20 else f"{size / (1 << 10):.0f} KB"


class Candidates:
    """What ``read_candidates`` kept. A plain class, not a dataclass (findings.py says why)."""

    def __init__(self) -> None:
        self.items: list[tuple[str, bytes]] = []  # (path to read and write, bytes)
        # the other files that may put something in place of a module's datetime (prefilter.may_install_stub):
        # a test or conftest that puts in a fake defined elsewhere need not name utcnow (stubgroups.py)
        self.others: list[tuple[str, bytes]] = []
        self.skipped: list[FileResult] = []  # unreadable, too large, links: findings only
        self.identities: dict[str, tuple] = {}  # item path -> (dev, inode, size, mtime_ns) when it was read
        self.trees: dict[str, object] = {}  # item path -> the prefilter's ``ast`` of its bytes, where it parsed them


def read_candidates(flagged: list[tuple[str, int]], max_size: int, read, within=None) -> Candidates:
    """Keep the files the rewrite must see, of those ``prescan.worth_a_look`` flagged (``flagged``: (path,
    why), from ``Scanner.worth_a_look``); a finding for each one that cannot be read. ``read(path)``: its
    bytes, read once for the run.
    ``within``: the paths given; a candidate a symlink leads to outside them is reported, not rewritten."""
    from infractl.fsio import inside, snapshot_after_read

    found = Candidates()
    tree_bytes = 0  # source behind the trees kept
    by_real: dict[str, str] = {}  # real path -> the path it is processed as
    links: list[tuple[str, str]] = []  # (link as shown, real path)
    real_dirs = _RealDirs()
    for shown, why in flagged:
        try:
            data = read(shown)
        except OSError as exc:
            finding = FILE_CANNOT_BE_READ.finding(shown, None, None, f"cannot read: {exc.strerror}")
            found.skipped.append(FileResult(shown, None, findings=(finding,), failed=True))
            continue
        if why == UNREAD:  # unreadable when it was scanned, readable now
            why = worth_a_look(data)
        if why == STUB:
            found.others.append((shown, data))
        if why in (None, STUB):
            continue  # most files: no real path, no parse
        # Only now the real path: a link is processed as its target, and each target once.
        if os.path.islink(shown):
            real = os.path.realpath(shown)
            if within is not None and not inside(real, within):
                found.skipped.append(_outside(shown, real))
                continue
            links.append((shown, real))
            name = _relative(real)
        else:
            real, name = real_dirs.real_path(shown), shown
        if real in by_real:
            continue
        by_real[real] = name
        parsed: list = []  # the prefilter's parse, if it made one
        if max_size and len(data) > max_size:
            message = f"skipped: {show_size(len(data))} is over max_file_size ({show_size(max_size)}); not parsed"
            fix = "raise max_file_size (or --max-file-size 0 for no limit), or exclude the file"
            finding = FILE_TOO_LARGE.finding(name, None, None, message, fix)
            found.skipped.append(FileResult(name, None, findings=(finding,), skipped="too large"))
        # AWARE: hazards of values already aware (a second run). A file past what the parser takes goes
        # straight on, to be refused there (DT001) before any ``ast`` pass: the prefilter's parse of a
        # 5 MB module alone took 16 s and 1 GB.
        elif why == AWARE or len(data) > MAX_SOURCE_BYTES or calls_stdlib_utc(data, parsed) or (
                aware_meets_naive_text(data)):  # named only the project's utcnow (UTC): judged as prescan's AWARE
            found.items.append((name, data))
            found.identities[name] = snapshot_after_read(name, data).identity
            if parsed and tree_bytes + len(data) <= TREES_UP_TO_BYTES:
                found.trees[name] = parsed[0]
                tree_bytes += len(data)
        elif may_install_stub(data):  # ``FakeDatetime.utcnow()`` in a test is no stdlib call, its stub counts
            found.others.append((name, data))
    wanted = {name for name, _ in found.items}
    for link, real in links:
        target = by_real.get(real)
        if target in wanted:
            message = f"symlink to {target}: rewritten once, through the target; the link is kept"
            finding = SYMLINKED_FILE.finding(link, None, None, message)
            found.skipped.append(FileResult(link, None, findings=(finding,), skipped=f"link to {target}"))
    return found


def _outside(link: str, real: str) -> FileResult:
    message = f"symlink to {real}, outside the paths given: not rewritten"
    from infractl.fsio import ADVICE

    finding = LINK_OUTSIDE_PATHS.finding(link, None, None, message, ADVICE["outside"])
    return FileResult(link, None, findings=(finding,), skipped=f"link to {real}, outside")


class _RealDirs:
    """Real paths of regular files, resolving each directory once (realpath per file costs ~20 us)."""

    def __init__(self) -> None:
        self._dirs: dict[str, str] = {}

    def real_path(self, path: str) -> str:
        directory, name = os.path.split(path)
        real = self._dirs.get(directory)
        if real is None:
            real = self._dirs[directory] = os.path.realpath(directory or ".")
        return os.path.join(real, name)


def _relative(real: str) -> str:
    """``real`` relative to the working directory when it is below it (as paths are shown), else absolute."""
    cwd = os.getcwd()
    prefix = cwd.rstrip(os.sep) + os.sep
    return real.removeprefix(prefix)

