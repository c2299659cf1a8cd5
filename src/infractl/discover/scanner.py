"""One run's file access: walk, read, the "worth a look" prefilter, and its use of the second core.

``infractl check`` and ``infractl fix-datetime`` each make one ``Scanner`` per run and hand it down:
check's areas walk through it (each directory listed once, ``files.WalkCache``) and read through it
(each file read once, kept up to ``keep_bytes``), and fix-datetime's ``collect`` asks it which Python
files are worth a closer look (``prescan.worth_a_look``). Nothing of it lives in module globals.

Parallelism has one strategy, two ends that meet: a forked child scans the file list from the front
while this process scans it from the back, each claiming a chunk in two counters both processes see
(shared memory) before scanning it, so the split follows the machine's load and nothing is left out (a
chunk near the meeting point may be scanned twice). fix-datetime forks once it has walked a big tree
(``PARALLEL_MIN_FILES``). The console script forks earlier for ``check`` and ``fix-datetime``, first
thing (``start_early``, entry.py's head start): the child loads the configuration and walks the tree
itself while this process imports Typer, parses the arguments and (check) runs the other areas, so the
datetime scan is mostly done when it is needed. The child's part counts only for the same walk (paths,
exclude globs, project root, and the same list: its length and hash travel with the answer); else, or
if the child failed, this process scans the rest itself.

This module imports what the child needs at its top, so ``start_early`` forks a process that has it
loaded already (this process needs the same modules: importing them first costs it nothing, and spares
the child ~10 ms of CPU). Forking only where no other thread runs: see ``forked``.
"""

from __future__ import annotations

import marshal  # built in and loaded already (it reads .pyc files)
import mmap
import os
import struct
from pathlib import Path

from infractl.config import load_config, string_list
from infractl.discover.files import WalkCache, iter_file_names, read_bytes, read_head
from infractl.fix_datetime.select.prescan import scan
from infractl.process.forked import Forked, can_fork

CHUNK = 64  # files claimed at a time: small, so the meeting point costs little, large enough to batch
NOBODY = 2**31 - 1  # the back end's lowest claim before it claims anything
PARALLEL_MIN_FILES = 1500  # below this a fork after the walk (~1 ms, and the pipe) does not pay


class Scanner:
    """Walk, read and prefilter for one run; ``close()`` (or ``with``) stops a child nobody met."""

    def __init__(self, keep_bytes: int = 256 << 20, parallel: bool = True) -> None:
        self.walks = WalkCache()
        self.parallel = parallel
        self._bytes: dict[str, bytes] = {}
        self._budget = keep_bytes
        self._ends: TwoEnds | None = None  # a child already scanning (start_early)
        self.shared_scans = 0  # how many scans took a child's part (what tests and benchmarks can ask)
        # what the head start found for an area before the command ran (prestart.py), by the walk's
        # ``walk_key``: the area takes it once, for that very walk, instead of reading the heads again
        self.found_early: dict[str, object] = {}
        # fix-datetime's second core (fix_datetime/secondcore.py), forked by the head start so that its imports
        # (black's above all) are done by the time the rewrite begins: the run takes it, or ``close`` ends it
        self.second_core = None

    def files(self, paths, suffixes=(".py",), exclude=(), root=None, on_skip=None, match=None) -> list[str]:
        """``files.iter_file_names``, through this run's listings."""
        return list(iter_file_names(paths, suffixes, exclude, root, on_skip, match, self.walks))

    def read(self, path: str) -> bytes:
        try:
            return self._bytes[path]
        except KeyError:
            data = read_bytes(path)
            if len(data) <= self._budget:
                self._budget -= len(data)
                self._bytes[path] = data
            return data

    def head(self, path: str, size: int) -> bytes:
        data = self._bytes.get(path)
        return data[:size] if data is not None else read_head(path, size)

    def take_found(self, key: list):
        """What the head start found for the walk ``key`` (``walk_key``), once; None when it found nothing."""
        return self.found_early.pop(repr(key), None)

    def start_early(self, path: str, config_path: str | None) -> None:
        """Begin the datetime area's walk and scan of ``path`` in a child now, with the project's
        ``[tool.infractl.fix_datetime]`` excludes (what fix-datetime's ``collect`` will walk)."""
        if self._ends is None and self.parallel and can_fork():
            self._ends = TwoEnds(lambda: _datetime_walk(path, config_path), self.read)

    def worth_a_look(self, files: list[str], key: list, parallel: bool = True) -> list[tuple[str, int]]:
        """``(path, why)`` for each of ``files`` that ``prescan.worth_a_look`` accepts (``why``: its answer,
        or ``prescan.UNREAD`` for a file that could not be read), in order. ``key``: ``walk_key`` of the
        walk that listed ``files``."""
        ends, self._ends = self._ends, None
        if ends is None and parallel and self.parallel and len(files) >= PARALLEL_MIN_FILES and can_fork():
            ends = TwoEnds(lambda: (key, files), self.read)
        try:
            found = ends.meet(key, files) if ends is not None else scan(files, range(len(files)), self.read)
        finally:
            if ends is not None:
                ends.stop()
                self.shared_scans += ends.shared
        return [(files[flag >> 2], flag & 3) for flag in found]

    def take_second_core(self):
        """The head start's second core, once (the taker ends it); None when there is none."""
        helper, self.second_core = self.second_core, None
        return helper

    def close(self) -> None:
        if self._ends is not None:
            ends, self._ends = self._ends, None
            ends.stop()
        if self.second_core is not None:
            self.take_second_core().close()

    def __enter__(self) -> Scanner:  # noqa: PYI034 - not meant to be subclassed
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def walk_key(paths, exclude, root) -> list:
    """What makes two walks the same walk (lists, so a tuple and a list of the same globs are one walk)."""
    return [[os.path.realpath(p) for p in paths], list(exclude), os.path.realpath(root)]


def _datetime_walk(path: str, config_path: str | None) -> tuple[list, list[str]]:
    """In the early child: the walk fix-datetime's ``collect`` will make, and its key (nothing kept: the
    child's memory ends with it)."""
    config = load_config(Path(path), Path(config_path) if config_path else None)
    exclude = string_list(config.section("fix_datetime"), "exclude", "[tool.infractl.fix_datetime]")
    return walk_key([Path(path)], exclude, config.root), list(iter_file_names([Path(path)], (".py",), exclude,
                                                                               config.root))


class TwoEnds:
    """``scan`` of one file list by a forked child from the front and by this process from the back."""

    def __init__(self, walk, read) -> None:
        """``walk()``: (key, files), run in the child; ``read(path)``: a file's bytes here (the child reads
        without keeping them)."""
        self.read = read
        self.claims = mmap.mmap(-1, 8)  # anonymous and shared with the child: its next index, our lowest
        self._set(0, 0)
        self._set(1, NOBODY)
        self.shared = False  # whether ``meet`` took the child's part
        self.child = Forked(lambda: self._front(walk))

    def _get(self, slot: int) -> int:
        return struct.unpack_from("i", self.claims, slot * 4)[0]

    def _set(self, slot: int, value: int) -> None:
        struct.pack_into("i", self.claims, slot * 4, value)

    def _front(self, walk) -> bytes:
        key, files = walk()
        found: list[int] = []
        start = 0
        while start < (stop := min(self._get(1), len(files))):
            end = min(start + CHUNK, stop)
            self._set(0, end)  # claimed before it is scanned
            found += scan(files, range(start, end), read_bytes)
            start = end
        return marshal.dumps([key, _digest(files), found])

    def meet(self, key: list, files: list[str]) -> list[int]:
        """``scan(files, range(len(files)))``'s answer: the back from here until the two ends meet, the
        front from the child when it scanned this very walk, else from here too."""
        mine: list[int] = []
        top = len(files)
        while (low := max(top - CHUNK, self._get(0))) < top:
            self._set(1, low)  # claimed before it is scanned
            mine += scan(files, range(low, top), self.read)
            top = low
        data = self.child.result()
        answer = marshal.loads(data) if data is not None else None  # written by our own fork
        if answer is None or answer[0] != key or answer[1] != _digest(files):
            return scan(files, range(top), self.read) + sorted(mine)
        self.shared = True
        return sorted({*answer[2], *mine})  # a chunk both scanned gives the same flags twice

    def stop(self) -> None:
        self.child.stop()


def _digest(files: list[str]) -> list[int]:
    """Which list of files it was: its length and its hash (a fork hashes strings with the same secret)."""
    return [len(files), hash("\0".join(files))]
