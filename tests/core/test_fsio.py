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
