"""Which modules the tests stub the clock of, and whether each group of stubs can follow the rewrite.

Auto mode keeps a stubbed module's values naive (the form the rewritten stubs expect: stubs.py renames
``m.utcnow`` to ``m.now``), or leaves its calls as they are when a stub cannot follow. A file's stubs are
renamed all together or not at all, and a module's calls are rewritten all together or not at all, so
files and modules are grouped: a test file with the modules it stubs, the file where a mock it puts in
is configured (a helper, a conftest fixture), the test files that configure a mock a fixture hands out,
the file that defines a fake that cannot follow. One stub in a group that cannot follow (its arguments
asserted, a callable ``side_effect``, a fake overriding ``utcnow``/``now``, a fake from outside the
project, a module named at run time, ``utcnow`` and ``now`` given different meanings: clockpairs.py) holds
the whole group back: every module's calls and every file's stubs stay as they are (except in ``--mode
aware``), with DT107 at the stub and at each held call.

A freezegun freeze with a ``tz_offset`` (freezers.py) holds the ``utcnow()`` calls of every candidate
module it reaches (verdict ``frozen:<where>``; safety.py holds them).

Nothing here runs unless some file puts something in place of a module's ``datetime`` or freezes with a
``tz_offset``.
"""

from __future__ import annotations

import os
import re

from infractl.fix_datetime.select.prefilter import may_install_stub
from infractl.fix_datetime.stubs.clockpairs import split_meanings
from infractl.fix_datetime.stubs.fakes import Replacement, Resolver
from infractl.fix_datetime.stubs.freezers import frozen_modules, offset_freezes
from infractl.fix_datetime.stubs.passedtargets import passed_targets
from infractl.fix_datetime.stubs.projectfiles import ProjectFiles, is_fixture
from infractl.fix_datetime.stubs.targets import (
    Installation,
    ParsedFile,
    aware_form_line,
    blocker_line,
    installations,
    module_named,
    path_dotted,
    string_targets,
)
from infractl.fix_datetime.stubs.verdict import StubVerdict
from infractl.load.pyast import dotted_name

# a module that may read ``datetime.datetime`` when it runs: ``import datetime [as dt]``, or a from-import
# inside a function (a module-level one binds the class once, when the module is first imported)
_READS_STDLIB_CLASS = re.compile(rb"^[ \t]*import[ \t][^\n#]*\bdatetime\b|^[ \t]+from[ \t]+datetime[ \t]+import\b",
                                 re.MULTILINE).search
# a mock configured through the module it is put in: ``mod.datetime.utcnow.return_value = ...`` (the
# owner, ``mod``, is read backwards from the match: a literal-prefixed pattern scans fast)
_THROUGH_MODULE = re.compile(rb"\.datetime\.utc(?:now|fromtimestamp)\.(?:return_value|side_effect|assert_|"
                             rb"call_args|called|call_count)")
_OWNER = re.compile(rb"[\w.]+$")


class _Groups:
    """Union-find over real paths."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, node: str) -> str:
        self.parent.setdefault(node, node)
        while self.parent[node] != node:
            self.parent[node] = self.parent[self.parent[node]]
            node = self.parent[node]
        return node

    def join(self, a: str, b: str) -> None:
        self.parent[self.find(a)] = self.find(b)


class _Collect:
    def __init__(self, items: list[tuple[str, bytes]], others: list[tuple[str, bytes]], walked=()) -> None:
        self._walked, self._walked_real = list(walked), None
        self.data: dict[str, bytes] = {}
        self.names: dict[str, str] = {}  # real path -> path as walked
        for path, data in (*items, *others):
            real = os.path.realpath(path)
            self.data.setdefault(real, data)
            self.names.setdefault(real, path)
        self.candidates = {os.path.realpath(path): path_dotted(path) for path, _ in items}
        self.files = ProjectFiles(self.data)
        self.resolver = Resolver(self.files, self.shown)
        self.groups = _Groups()
        self.modules: set[str] = set()  # stubbed candidate modules
        self.stubbing: set[str] = set()  # files whose stubs are renamed (or held) as one
        self.holds: dict[str, str] = {}  # file -> where its stub that cannot follow is
        self.mocks: dict[str, set[str]] = {}
        self.drop: dict[str, set[str]] = {}
        self.notes: dict[str, list[tuple[int, int, str]]] = {}
        self.frozen: dict[str, str] = {}  # candidate module -> the freeze with tz_offset that applies to it

    def walked(self) -> list[str]:
        """The walked files by real path (computed once, and only for a helper given its module)."""
        if self._walked_real is None:
            self._walked_real = [os.path.realpath(str(p)) for p in self._walked] or list(self.data)
        return self._walked_real

    def shown(self, real: str) -> str:
        if real in self.names:
            return self.names[real]
        cwd = os.getcwd().rstrip(os.sep) + os.sep
        return real.removeprefix(cwd)

    def targets(self, installation: Installation) -> list[str]:
        if installation.target is None:
            return list(self.candidates)
        if installation.anchor:
            path = self.files.module_file(installation.target, installation.anchor, installation.anchor)
            return [path] if path in self.candidates else []
        target = installation.target
        found = [p for p, dotted in self.candidates.items() if dotted == target or dotted.endswith("." + target)]
        if target == "datetime" or target.endswith(".datetime"):
            # the standard library's own class (``datetime.datetime``, or ``pkg.mod.datetime.datetime``: the
            # class on the module ``pkg.mod`` imported): every module that reads it at run time sees the stub
            found += [p for p in self.candidates if _READS_STDLIB_CLASS(self.data[p]) and p not in found]
        return found

    def add(self, real: str, parsed: ParsedFile, installation: Installation) -> None:
        why_not = ""
        if installation.target is None:  # a helper given its module by its callers (passedtargets.py)
            followed = passed_targets(installation, parsed, self.files, self.walked(), self.shown)
            if isinstance(followed, list) and followed:
                for each in followed:
                    self.add(real, parsed, each)
                return
            why_not = followed if isinstance(followed, str) else "no call of it is found"
        modules = self.targets(installation)
        self.stubbing.add(real)
        for module in modules:
            self.groups.join(real, module)
            self.modules.add(module)
        result = self.resolver.replacement(installation, parsed)
        if not result.follows and result.kinds and not any(
                kind.encode() in self.data.get(module, b"") for module in modules for kind in result.kinds):
            result = Replacement(True)  # e.g. a fake fromtimestamp() where only utcnow() is called: no stub
        if installation.target is None and result.follows:
            result.follows, result.reason = False, (f"it replaces the datetime of a module named only at run "
                                                    f"time ({installation.target_text}): it may be any module"
                                                    + (f" ({why_not})" if why_not else ""))
        for path, names in result.mocks.items():
            self._configured(real, path, names)
        put_in = dotted_name(installation.replacement) if installation.replacement is not None else ""
        if put_in and result.mock and result.follows:  # configured here through the name it has here
            self._configured(real, real, {put_in})
        elif put_in and not result.mock:
            self.drop.setdefault(real, set()).add(put_in)
        if result.follows and result.mock and installation.scope is not None and is_fixture(installation.scope):
            self._handed_out(real, installation)
        if not result.follows:
            self.holds.setdefault(real, f"{self.shown(real)}:{installation.line} ({result.reason})")
            if result.at is None or result.at[0] != real:
                self._note(real, installation.line, installation.column, result.reason)
            if result.at is not None:
                self.groups.join(real, result.at[0])
                self.stubbing.add(result.at[0])
                installed = f"put in place of datetime at {self.shown(real)}:{installation.line}"
                self._note(result.at[0], result.at[1], 1, f"{result.reason}; {installed}")

    def _configured(self, real: str, path: str, names: set[str]) -> None:
        """A mock named ``names`` in ``path`` is what ``real`` puts in: its stubs there are renamed too."""
        self.mocks.setdefault(path, set()).update(names)
        self.groups.join(real, path)
        self.stubbing.add(path)
        if path not in self.candidates and any(f"{n}.utc".encode() in self._read(path) for n in names):
            why = "it configures the mock put in place of datetime, and is not among the files rewritten"
            self.holds.setdefault(path, f"{self.shown(path)} ({why})")

    def _handed_out(self, real: str, installation: Installation) -> None:
        """A fixture that puts in a mock and returns it: tests that name the fixture configure the mock."""
        fixture = installation.scope.name
        directory = os.path.dirname(real) + os.sep
        needle = f"{fixture}.utc".encode()
        for path in self.candidates:
            if (path == real or (os.path.basename(real) == "conftest.py" and path.startswith(directory))) \
                    and needle in self.data[path]:
                self._configured(real, path, {fixture})

    def _note(self, path: str, line: int, column: int, why: str) -> None:
        if (line, column, why) not in self.notes.setdefault(path, []):
            self.notes[path].append((line, column, why))

    def through_modules(self) -> None:
        """``mod.datetime.utcnow.return_value = ...`` configures the stub a fixture (or the file) put in
        ``mod``: stubs.py renames only names that hold the mock, so the file joins the module's group and
        holds it."""
        for path in self.candidates:
            data = self.data[path]
            if b".datetime.utc" not in data:
                continue
            for match in _THROUGH_MODULE.finditer(data):
                parsed = self.files.parsed(path)
                start = data.rfind(b"\n", 0, match.start()) + 1
                owner_match = _OWNER.search(data, start, match.start())
                if owner_match is None:
                    continue
                owner = owner_match.group().decode()
                target, anchor = module_named(owner, parsed) if parsed is not None else (None, "")
                if target is None:
                    continue
                found = Installation(0, 0, target, anchor, owner, None, None)
                modules = [m for m in self.targets(found) if m in self.modules]
                if not modules:
                    continue
                line = data.count(b"\n", 0, match.start()) + 1
                column = owner_match.start() - start + 1
                why = f"it configures the stub through {owner}.datetime, which fix-datetime does not rename"
                self.holds.setdefault(path, f"{self.shown(path)}:{line} ({why})")
                self._note(path, line, column, why)
                self.stubbing.add(path)
                for module in modules:
                    self.groups.join(path, module)

    def freezes(self, freezing: list[tuple[str, bytes]], walked: list[str]) -> None:
        """freezegun freezes with ``tz_offset`` (freezers.py): the candidate modules each one reaches."""
        below: list[str] | None = None
        for path, _ in freezing:
            real = os.path.realpath(path)
            parsed = self.files.parsed(real)
            for line, column, offset in offset_freezes(parsed.tree) if parsed is not None else ():
                if below is None and os.path.basename(real) == "conftest.py":
                    below = [os.path.realpath(p) for p in walked if "test" in p.lower()]
                reached = frozen_modules(self.files, parsed, below or []) & set(self.candidates)
                for module in reached:
                    self.frozen.setdefault(module, f"{self.shown(real)}:{line}")
                if reached:
                    self._note(real, line, column, f"freezegun's now(tz) adds {offset} and its utcnow() does "
                                                   "not: the utcnow() calls of the code it freezes stay as they are")

    def split_meanings(self) -> None:
        """A stub that gives utcnow and now different meanings (clockpairs.py) holds its group, when the
        group has calls to hold."""
        rooted = {self.groups.find(module) for module in self.modules}
        for path in sorted(self.stubbing, key=self.shown):
            parsed = self.files.parsed(path) if self.groups.find(path) in rooted else None
            for line, column, why in split_meanings(parsed.tree) if parsed is not None else ():
                self.holds.setdefault(path, f"{self.shown(path)}:{line} ({why})")
                self._note(path, line, column, why)

    def verdicts(self) -> dict[str, StubVerdict]:
        if self.modules:
            self.through_modules()
            self.split_meanings()
        for path in self.modules:  # a stub renamed onto now() cannot give utcnow().replace(tzinfo=utc) its tzinfo
            line = aware_form_line(self.data.get(path, b""))
            if line:
                why = ("a site there, utcnow().replace(tzinfo=...), would become now(tz), which the stub renamed "
                       "onto now() answers naive")
                self.holds.setdefault(path, f"{self.shown(path)}:{line} ({why})")
        for path in self.stubbing:  # a stub in any of the group's files that cannot follow (stubs.py's checks)
            line = blocker_line(self.data.get(path) or self._read(path))
            if line:
                self.holds.setdefault(path, f"{self.shown(path)}:{line}")
        held = {}
        for path in sorted(self.holds, key=lambda p: ("(" not in self.holds[p], self.shown(p))):  # reasons first
            held.setdefault(self.groups.find(path), self.holds[path])
        result = {}
        for path in sorted(self.modules | self.stubbing | set(self.notes) | set(self.frozen), key=self.shown):
            where = held.get(self.groups.find(path), "")
            module = ("keep:" + where if where else "naive") if path in self.modules else ""
            if path in self.frozen and not where:  # safety.py holds its utcnow() calls; "+naive": stubbed too
                module = f"frozen{'+naive' if module else ''}:{self.frozen[path]}"
            result[self.shown(path)] = StubVerdict(
                module, frozenset(self.mocks.get(path, ())), frozenset(self.drop.get(path, ())),
                where if path in self.stubbing else "", tuple(self.notes.get(path, ())))
        return result

    def _read(self, path: str) -> bytes:
        parsed = self.files.parsed(path)
        return parsed.data if parsed is not None else b""


def stub_verdicts(items: list[tuple[str, bytes]], others: list[tuple[str, bytes]],
                  freezing: list[tuple[str, bytes]] = (), walked: list[str] = ()) -> dict[str, StubVerdict]:
    """For each file the tests' clock stubs concern, by the path it was walked as (a file found by following
    a fake, by its path relative to the working directory): ``items`` are the files to rewrite, ``others``
    the rest of those that mention ``datetime`` (a test or conftest that puts in a fake defined elsewhere
    need not mention ``utcnow`` itself)."""
    collect: _Collect | None = None
    for path, data in sorted((*items, *others)):
        if not may_install_stub(data):
            continue
        collect = collect or _Collect(items, others, walked)
        real = os.path.realpath(path)
        parsed = collect.files.parsed(real)
        if parsed is None:  # the string targets of a file that does not parse: its own stubs decide
            found = [Installation(0, 0, t, "", t, None, None) for t in string_targets(data)]
            for installation in found:
                for module in collect.targets(installation):
                    collect.groups.join(real, module)
                    collect.modules.add(module)
            if found:
                collect.stubbing.add(real)
            continue
        for installation in installations(parsed):
            collect.add(real, parsed, installation)
    if freezing:
        collect = collect or _Collect(items, others, walked)
        collect.freezes(freezing, list(walked))
    return collect.verdicts() if collect is not None else {}
