"""The one safe writer (infractl.fsio.write_if_unchanged / create_new), driven directly: each race or
refusal made deterministic with a stale snapshot. The commands' end-to-end tests are beside them
(tests/fix_datetime/test_write_safety.py, tests/fix_skips/test_write_safety.py,
tests/verify_db/test_fix_migration_lock.py)."""

from __future__ import annotations

import os
import stat
import time

import pytest


def read(path):
    from infractl.fsio import read_snapshot

    return read_snapshot(path)


def test_a_file_edited_since_it_was_read_is_not_overwritten(tmp_path):
    from infractl.fsio import write_if_unchanged

    target = tmp_path / "a.py"
    target.write_bytes(b"old\n")
    before = read(target)
    target.write_bytes(b"the user's edit\n")
    outcome = write_if_unchanged(target, before, b"new\n")
    assert (outcome.status, outcome.kind) == ("skipped", "changed")
    assert "changed since it was read" in outcome.reason
    assert target.read_bytes() == b"the user's edit\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.py"]  # no temp file left


def test_same_bytes_in_another_inode_is_a_change_too(tmp_path):
    """A file replaced by an editor (new inode, same text) is another file than the one read."""
    from infractl.fsio import write_if_unchanged

    target = tmp_path / "a.py"
    target.write_bytes(b"old\n")
    before = read(target)
    replacement = tmp_path / "b.py"
    replacement.write_bytes(b"old\n")
    os.replace(replacement, target)
    assert write_if_unchanged(target, before, b"new\n").kind == "changed"
    assert target.read_bytes() == b"old\n"


@pytest.mark.parametrize("how", ["deleted", "renamed"])
def test_a_file_deleted_or_renamed_since_it_was_read_is_not_recreated(tmp_path, how):
    from infractl.fsio import write_if_unchanged

    target = tmp_path / "a.py"
    target.write_bytes(b"old\n")
    before = read(target)
    if how == "deleted":
        target.unlink()
    else:
        target.rename(tmp_path / "moved.py")
    outcome = write_if_unchanged(target, before, b"new\n")
    assert (outcome.status, outcome.kind) == ("skipped", "gone")
    assert not target.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ([] if how == "deleted" else ["moved.py"])
    if how == "renamed":
        assert (tmp_path / "moved.py").read_bytes() == b"old\n"


def test_unchanged_content_is_no_write(tmp_path):
    from infractl.fsio import write_if_unchanged

    target = tmp_path / "a.py"
    target.write_bytes(b"same")
    os.utime(target, (1_000_000, 1_000_000))
    assert write_if_unchanged(target, read(target), b"same").status == "unchanged"
    assert target.stat().st_mtime == 1_000_000


def test_written_keeps_mode_and_owner(tmp_path):
    from infractl.fsio import write_if_unchanged

    target = tmp_path / "a.py"
    target.write_bytes(b"old")
    target.chmod(0o751)
    if os.geteuid() == 0:
        os.chown(target, 4321, 8765)
    before_st = target.stat()
    assert write_if_unchanged(target, read(target), b"new").status == "written"
    after = target.stat()
    assert target.read_bytes() == b"new" and stat.S_IMODE(after.st_mode) == 0o751
    assert (after.st_uid, after.st_gid) == (before_st.st_uid, before_st.st_gid)


def test_a_read_only_file_is_left_alone(tmp_path):
    """0444: os.replace only needs the directory's write permission, so it used to be replaced. For a
    user, access(W_OK) decides; for root (who may write anything), no write bit at all does."""
    from infractl.fsio import write_if_unchanged

    target = tmp_path / "a.py"
    target.write_bytes(b"old")
    target.chmod(0o444)
    outcome = write_if_unchanged(target, read(target), b"new")
    assert (outcome.status, outcome.kind) == ("skipped", "read-only")
    assert target.read_bytes() == b"old" and stat.S_IMODE(target.stat().st_mode) == 0o444


def test_a_hard_linked_file_is_not_split(tmp_path):
    from infractl.fsio import write_if_unchanged

    target = tmp_path / "a.py"
    target.write_bytes(b"old")
    os.link(target, tmp_path / "other.py")
    outcome = write_if_unchanged(target, read(target), b"new")
    assert (outcome.status, outcome.kind) == ("skipped", "hard-link")
    assert "2 hard links" in outcome.reason
    assert os.path.samefile(target, tmp_path / "other.py") and target.read_bytes() == b"old"


def test_a_symlink_outside_the_given_paths_is_not_written_through(tmp_path):
    from infractl.fsio import write_if_unchanged

    project, outside = tmp_path / "project", tmp_path / "outside"
    project.mkdir()
    outside.mkdir()
    (outside / "real.py").write_bytes(b"old")
    (project / "link.py").symlink_to(outside / "real.py")
    (project / "inner.py").write_bytes(b"old")
    (project / "inner_link.py").symlink_to("inner.py")
    outcome = write_if_unchanged(project / "link.py", read(project / "link.py"), b"new", within=[project])
    assert (outcome.status, outcome.kind) == ("skipped", "outside")
    assert (outside / "real.py").read_bytes() == b"old"
    # a link that stays inside is written through, as before, and stays a link
    inner = write_if_unchanged(project / "inner_link.py", read(project / "inner_link.py"), b"new", within=[project])
    assert inner.status == "written"
    assert (project / "inner_link.py").is_symlink() and (project / "inner.py").read_bytes() == b"new"


def _dead_pid() -> int:
    import subprocess
    import sys

    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid  # reaped: no process has it (until the kernel hands it out again, much later)


def test_stale_temp_files_of_a_killed_run_are_removed_and_nothing_else(tmp_path):
    from infractl.fsio import STALE_AFTER, write_if_unchanged

    target = tmp_path / "a.py"
    target.write_bytes(b"old")
    old = time.time() - STALE_AFTER - 5
    dead, alive = _dead_pid(), os.getpid()
    names = {
        f".a.py.{dead}-k3j_x9qa.infractl-tmp": (old, False),  # dead writer, old: removed
        ".a.py.k3j_x9qa.infractl-tmp": (old, False),  # an older infractl's name (no pid), old: removed
        f".a.py.{dead}-zzzzzzzz.infractl-tmp": (time.time(), True),  # within the grace: kept
        f".a.py.{alive}-k3j_x9qa.infractl-tmp": (old, True),  # its writer is alive: kept
        f".b.py.{dead}-k3j_x9qa.infractl-tmp": (old, True),  # another file's: not ours to judge here
        ".a.py.k3j_x9qa.infractl-tmp.keep": (old, True),  # not our exact pattern
        "a.py.infractl-tmp": (old, True),
    }
    for name, (mtime, _) in names.items():
        (tmp_path / name).write_bytes(b"partial")
        os.utime(tmp_path / name, (mtime, mtime))
    assert write_if_unchanged(target, read(target), b"new").status == "written"
    left = {p.name for p in tmp_path.iterdir()}
    assert left == {"a.py", *(name for name, (_, kept) in names.items() if kept)}


def test_create_new_never_replaces_an_existing_file(tmp_path):
    from infractl.fsio import create_new

    target = tmp_path / "rev.py"
    assert create_new(target, b"first").status == "written"
    outcome = create_new(target, b"second")
    assert (outcome.status, outcome.kind) == ("skipped", "changed")
    assert target.read_bytes() == b"first"
    assert [p.name for p in tmp_path.iterdir()] == ["rev.py"]
