"""The byte scan of a tree, fast: batches (``prescan``) and two cores (``infractl.discover.scanner``: a child from
the front, this process from the back, begun early by check's fast road or after fix-datetime's walk) must
flag exactly the files the per-file test flags, and leave no process behind."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infractl.config import load_config
from infractl.discover import scanner as scanning
from infractl.discover.files import iter_file_names, read_bytes
from infractl.discover.scanner import Scanner, walk_key
from infractl.fix_datetime.command import collect
from infractl.fix_datetime.select import prescan
from infractl.fix_datetime.select.awareprobe import PARTNER_WORDS
from infractl.fix_datetime.select.prescan import worth_a_look

FRAGMENTS = [*PARTNER_WORDS, b"utcnow", b"utcfromtimestamp", b".utcnow()", b"datetime", b"utc)", b"UTC)",
             b"now(timezone.utc)", b"\0", b"x = 1\n", b"import datetime\n", b"from datetime import datetime\n",
             b"datetime.now(timezone.utc) > datetime.strptime(s, f)\n", b"'utcnow'", b"(", b")", b".",
             # a clock stub put in place of a module's datetime (stubgroups.py): flagged though no utcnow
             b"monkeypatch.setattr(mod, 'datetime', Fake)\n", b"patch(\"pkg.mod.datetime\", Fake)", b"datetime=",
             b"patch.multiple(mod, ", b"'datetime'"]
file_bytes = st.lists(st.sampled_from(FRAGMENTS), max_size=8).map(b"".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(file_bytes, max_size=12))
def test_the_batch_flags_exactly_what_the_per_file_test_flags(datas):
    assert prescan.worth_a_look_in_batch(datas) == [(i, why) for i, data in enumerate(datas)
                                                    if (why := worth_a_look(data))]


def _tree(root: Path, files: int) -> list[str]:
    """``files`` modules; every 7th holds a utcnow() call, every 11th an aware value meeting a naive one."""
    for index in range(files):
        text = "x = 1\n"
        if index % 7 == 0:
            text = "import datetime\nx = datetime.datetime.utcnow()\n"
        elif index % 11 == 0:
            text = "from datetime import datetime, timezone\nok = datetime.now(timezone.utc) > datetime.min\n"
        (root / f"m{index:03}.py").write_text(text)
    (root / "dir.py").mkdir()  # not walked as a file, but given: it cannot be read, so it is flagged
    return sorted([*iter_file_names([root], (".py",), (), root), str(root / "dir.py")])


def _children() -> list[int]:
    found = []
    for task in os.listdir("/proc/self/task"):
        with open(f"/proc/self/task/{task}/children") as handle:
            found += [int(pid) for pid in handle.read().split()]
    return found


def _flagged(paths: list[str], parallel: bool) -> list[tuple[str, int]]:
    with Scanner(parallel=parallel) as scanner:
        return scanner.worth_a_look(paths, ["a walk"])


def test_two_cores_flag_what_one_core_flags(tmp_path, monkeypatch):
    paths = _tree(tmp_path, 60)
    before = _children()
    monkeypatch.setattr(scanning, "PARALLEL_MIN_FILES", 10)
    monkeypatch.setattr(scanning, "CHUNK", 7)
    monkeypatch.setattr(prescan, "BATCH_BYTES", 200)  # several batches per chunk
    one = _flagged(paths, parallel=False)
    two = _flagged(paths, parallel=True)
    assert one == two
    assert (str(tmp_path / "dir.py"), prescan.UNREAD) in one
    assert len(one) == 1 + len([i for i in range(60) if i % 7 == 0 or i % 11 == 0])
    assert _children() == before


def test_an_interrupted_scan_leaves_no_child(tmp_path, monkeypatch):
    paths = _tree(tmp_path, 40)
    before = _children()
    monkeypatch.setattr(scanning, "PARALLEL_MIN_FILES", 10)
    # one file a claim, and the child never gets past its first: the back end always has files left to
    # claim, so this process reaches its scan however the two are scheduled (with 64 files a claim, a
    # child that ran first took all 40 and the interrupt never came: a race under load)
    monkeypatch.setattr(scanning, "CHUNK", 1)
    parent = os.getpid()

    def interrupted(paths, indices, read):
        if os.getpid() == parent:  # this process's end
            raise KeyboardInterrupt
        time.sleep(60)  # the child's end: stopped (SIGKILL) when the interrupt ends the scan

    monkeypatch.setattr(scanning, "scan", interrupted)
    with pytest.raises(KeyboardInterrupt):
        _flagged(paths, parallel=True)
    assert _children() == before


def _outcome(root: Path):
    outcome = collect([root], check=True)
    return outcome.scanned, sorted((r.path, tuple(f.rule for f in r.findings_before or r.findings))
                                   for r in outcome.results)


def test_the_head_start_gives_the_same_outcome_as_a_walk(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _tree(tmp_path, 300)
    (tmp_path / "dir.py").rmdir()
    (tmp_path / "pyproject.toml").write_text('[tool.infractl.fix_datetime]\nexclude = ["m00*"]\n')
    (tmp_path / "gone.py").symlink_to(tmp_path / "missing.py")
    walked = _outcome(Path("."))
    met = []
    real_meet = scanning.TwoEnds.meet
    monkeypatch.setattr(scanning.TwoEnds, "meet", lambda self, key, files: met.append(
        self.child.pid is not None and real_meet(self, key, files)) or met[-1])
    with Scanner() as scanner:
        scanner.start_early(".", None)
        outcome = collect([Path(".")], check=True, scanner=scanner)
    assert (outcome.scanned, sorted((r.path, tuple(f.rule for f in r.findings_before or r.findings))
                                    for r in outcome.results)) == walked
    assert met and met[0]  # the head start's child was met


def _walked(root: Path, files: int) -> list[str]:
    """The tree's files as the walk gives them (``collect`` hands the scanner the list of its own walk)."""
    _tree(root, files)
    (root / "dir.py").rmdir()
    return list(iter_file_names([root], (".py",), (), root))


def _one_core(paths: list[str]) -> list[int]:
    return prescan.scan(paths, range(len(paths)), read_bytes)


@pytest.mark.parametrize("child_first", [True, False])
def test_child_and_parent_split_the_scan_and_meet(tmp_path, monkeypatch, child_first):
    """Whoever comes first takes most; together they flag what one scan flags, nothing left out."""
    monkeypatch.setattr(scanning, "CHUNK", 7)
    paths = _walked(tmp_path, 200)
    key = walk_key([tmp_path], (), load_config(tmp_path).root)
    ends = scanning.TwoEnds(lambda: (key, paths), read_bytes)
    try:
        if child_first:
            import time

            deadline = time.monotonic() + 10
            while ends._get(0) < len(paths) and time.monotonic() < deadline:
                time.sleep(0.01)
        else:
            ends._set(1, 0)  # as if this process had claimed everything before the child began
        assert ends.meet(key, paths) == _one_core(paths)
    finally:
        ends.stop()


@pytest.mark.parametrize("other", ["exclude", "files", "failed"])
def test_a_child_on_another_walk_is_not_used_and_the_rest_is_scanned_here(tmp_path, monkeypatch, other):
    monkeypatch.setattr(scanning, "CHUNK", 3)
    paths = _walked(tmp_path, 50)
    root = load_config(tmp_path).root
    key = walk_key([tmp_path], (), root)
    before = _children()

    def walk():
        if other == "failed":
            raise OSError("gone")
        return (walk_key([tmp_path], ("m00*",), root), paths) if other == "exclude" else (key, paths[1:])

    ends = scanning.TwoEnds(walk, read_bytes)
    try:
        import time

        time.sleep(0.2)  # the child claims what it can first
        assert ends.meet(key, paths) == _one_core(paths)
    finally:
        ends.stop()
    assert _children() == before


def test_a_head_start_nobody_takes_is_stopped(tmp_path):
    _tree(tmp_path, 5)
    before = _children()
    with Scanner() as scanner:
        scanner.start_early(str(tmp_path), None)
    assert _children() == before


def test_a_test_that_puts_in_a_fake_from_another_file_is_flagged(tmp_path):
    (tmp_path / "test_clock.py").write_text(
        "from app import clock\nfrom tests.helpers import Fake\n\n\ndef test_it(monkeypatch):\n"
        "    monkeypatch.setattr(clock, 'datetime', Fake)\n")
    (tmp_path / "test_other.py").write_text("import datetime\n\n\ndef test_it():\n    assert datetime\n")
    assert _flagged(sorted(str(p) for p in tmp_path.iterdir()), parallel=False) == [
        (str(tmp_path / "test_clock.py"), prescan.STUB)]
