import os
import stat

import pytest

from infractl.fsio import atomic_write_bytes


def test_replaces_content_and_keeps_mode(tmp_path):
    target = tmp_path / "script.py"
    target.write_bytes(b"old\r\n")
    os.chmod(target, 0o754)
    atomic_write_bytes(target, b"new\r\n")
    assert target.read_bytes() == b"new\r\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o754
    assert [p.name for p in tmp_path.iterdir()] == ["script.py"]  # no temp file left behind


def test_unchanged_content_does_not_touch_the_file(tmp_path):
    target = tmp_path / "a.py"
    target.write_bytes(b"same")
    os.utime(target, (1_000_000, 1_000_000))
    atomic_write_bytes(target, b"same")
    assert target.stat().st_mtime == 1_000_000


def test_failed_write_leaves_original_and_no_temp(tmp_path, monkeypatch):
    target = tmp_path / "a.py"
    target.write_bytes(b"original")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"original"
    assert [p.name for p in tmp_path.iterdir()] == ["a.py"]


def test_a_symlink_is_written_through_and_stays_a_link(tmp_path):
    target = tmp_path / "real.py"
    target.write_bytes(b"old")
    link = tmp_path / "link.py"
    link.symlink_to("real.py")
    atomic_write_bytes(link, b"new")
    assert link.is_symlink() and target.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.py", "real.py"]


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another owner")
def test_owner_and_group_are_kept(tmp_path):
    target = tmp_path / "a.py"
    target.write_bytes(b"old")
    os.chown(target, 4321, 8765)
    atomic_write_bytes(target, b"new")
    assert (target.stat().st_uid, target.stat().st_gid) == (4321, 8765)


def test_interrupt_between_files_holds_sigint_until_the_write_is_done(tmp_path):
    import signal

    from infractl.fsio import interrupt_between_files

    written = []
    with pytest.raises(KeyboardInterrupt), interrupt_between_files() as check:
        for index in range(3):
            check()
            atomic_write_bytes(tmp_path / f"{index}.py", b"x")
            written.append(index)
            if index == 0:
                signal.raise_signal(signal.SIGINT)  # arrives "during" the first file
    assert written == [0]  # the first file was finished, the second never started
    assert sorted(p.name for p in tmp_path.iterdir()) == ["0.py"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # restored
