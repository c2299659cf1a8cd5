"""The byte scan of a tree, fast: batches and two cores (``prescan``), and check's head start
(``headstart``) must flag exactly the files the per-file test flags, and leave no process behind."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infractl.config import load_config
from infractl.files import iter_file_names
from infractl.fix_datetime.command import collect
from infractl.fix_datetime.select import headstart, prescan
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
    assert prescan.worth_a_look_in_batch(datas) == [i for i, data in enumerate(datas) if worth_a_look(data)]


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


def test_two_cores_flag_what_one_core_flags(tmp_path, monkeypatch):
    paths = _tree(tmp_path, 60)
    before = _children()
    monkeypatch.setattr(prescan, "PARALLEL_MIN_FILES", 10)
    monkeypatch.setattr(prescan, "BATCH_BYTES", 200)  # several batches per half
    one = prescan.flagged(paths, parallel=False)
    two = prescan.flagged(paths, parallel=True)
    assert one == two
    assert str(tmp_path / "dir.py") in one
    assert len(one) == 1 + len([i for i in range(60) if i % 7 == 0 or i % 11 == 0])
    assert _children() == before


def test_an_interrupted_scan_leaves_no_child(tmp_path, monkeypatch):
    paths = _tree(tmp_path, 40)
    before = _children()
    monkeypatch.setattr(prescan, "PARALLEL_MIN_FILES", 10)
    real = prescan.scan

    def interrupted(paths, indices):
        if indices.start == 0:  # this process's half; the child's runs the real scan
            raise KeyboardInterrupt
        return real(paths, indices)

    monkeypatch.setattr(prescan, "scan", interrupted)
    with pytest.raises(KeyboardInterrupt):
        prescan.flagged(paths, parallel=True)
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
    finished = []
    real_finish = headstart.finish
    monkeypatch.setattr(headstart, "finish", lambda *a: finished.append(real_finish(*a)) or finished[-1])
    headstart.begin(".", None)
    try:
        assert _outcome(Path(".")) == walked
    finally:
        headstart.end()
    assert finished and finished[0] is not None  # the head start's answer was the one used


def _walked(root: Path, files: int) -> list[str]:
    """The tree's files as the walk gives them (``collect`` hands ``finish`` the list of its own walk)."""
    _tree(root, files)
    (root / "dir.py").rmdir()
    return list(iter_file_names([root], (".py",), (), root))


@pytest.mark.parametrize("child_first", [True, False])
def test_child_and_parent_split_the_scan_and_meet(tmp_path, monkeypatch, child_first):
    """Whoever comes first takes most; together they flag what one scan flags, nothing left out."""
    monkeypatch.setattr(headstart, "CHUNK", 7)
    paths = _walked(tmp_path, 200)
    expected = prescan.flagged(paths, parallel=False)
    headstart.begin(str(tmp_path), None)
    try:
        if child_first:
            import time

            deadline = time.monotonic() + 10
            while headstart._get(0) < len(paths) and time.monotonic() < deadline:
                time.sleep(0.01)
        else:
            headstart._set(1, 0)  # as if this process had claimed everything before the child began
        assert headstart.finish([tmp_path], (), load_config(tmp_path).root, paths) == expected
    finally:
        headstart.end()


def test_a_head_start_on_another_walk_is_not_used(tmp_path):
    paths = _walked(tmp_path, 5)
    before = _children()
    headstart.begin(str(tmp_path), None)
    root = load_config(tmp_path).root
    assert headstart.finish([tmp_path], ("m00*",), root, paths) is None  # other exclude globs
    assert headstart.finish([tmp_path], (), root, paths) is None  # finished once, gone
    assert _children() == before


def test_a_head_start_on_a_changed_tree_is_not_used(tmp_path):
    paths = _walked(tmp_path, 5)
    headstart.begin(str(tmp_path), None)
    assert headstart.finish([tmp_path], (), load_config(tmp_path).root, paths[1:]) is None  # a file gone meanwhile


def test_a_head_start_nobody_takes_is_stopped(tmp_path):
    _tree(tmp_path, 5)
    before = _children()
    headstart.begin(str(tmp_path), None)
    headstart.end()
    assert _children() == before


def test_a_test_that_puts_in_a_fake_from_another_file_is_flagged(tmp_path):
    (tmp_path / "test_clock.py").write_text(
        "from app import clock\nfrom tests.helpers import Fake\n\n\ndef test_it(monkeypatch):\n"
        "    monkeypatch.setattr(clock, 'datetime', Fake)\n")
    (tmp_path / "test_other.py").write_text("import datetime\n\n\ndef test_it():\n    assert datetime\n")
    assert prescan.flagged(sorted(str(p) for p in tmp_path.iterdir()), parallel=False) == [
        str(tmp_path / "test_clock.py")]
