"""Property: the one safe writer (``fsio.write_if_unchanged``) keeps any bytes exactly (mixed newlines,
BOMs, other encodings, NULs), writes nothing the second time, keeps the mode, and never writes over a
file that changed after its snapshot, whatever the change. Each example makes its own directory:
hypothesis reruns the body, and a function-scoped tmp_path would be shared by every example."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path
from unittest import mock

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from infractl import fsio
from infractl.fsio import read_snapshot, write_if_unchanged

LINE_ENDS = [b"\n", b"\r\n", b"\r", b"\x85", b"\xe2\x80\xa8", b""]
PREFIXES = [b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"# -*- coding: latin-1 -*-\n"]
# Text as files hold it: lines in UTF-8, latin-1 or UTF-16, any line ending, a BOM or a coding line first;
# or plain random bytes.
encoded_lines = st.lists(st.tuples(st.text(max_size=20), st.sampled_from(["utf-8", "latin-1", "utf-16-le"]),
                                   st.sampled_from(LINE_ENDS)), max_size=8)
file_bytes = st.one_of(
    st.builds(lambda head, lines: head + b"".join(text.encode(codec, "replace") + end for text, codec, end in lines),
              st.sampled_from(PREFIXES), encoded_lines),
    st.binary(max_size=300))
modes = st.sampled_from([0o600, 0o644, 0o640, 0o755, 0o664, 0o700])
MOMENTS = ["before the write", "while the temp file is written"]
CHANGES = ["edit", "delete", "rename", "new inode, same bytes", "append then truncate back"]


@settings(max_examples=50, deadline=None)
@given(file_bytes, file_bytes, modes)
def test_a_write_keeps_bytes_and_mode_and_a_second_write_changes_nothing(old, new, mode):
    assume(old != new)
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "module.py"
        target.write_bytes(old)
        target.chmod(mode)
        outcome = write_if_unchanged(target, read_snapshot(target), new, within=[tmp])
        assert outcome.status == "written", outcome
        assert target.read_bytes() == new
        assert stat.S_IMODE(target.stat().st_mode) == mode
        os.utime(target, ns=(1_000_000_000, 1_000_000_000))
        again = write_if_unchanged(target, read_snapshot(target), new, within=[tmp])
        assert again.status == "unchanged", again
        assert target.stat().st_mtime_ns == 1_000_000_000 and target.read_bytes() == new
        assert os.listdir(tmp) == ["module.py"]  # no temp file left


@settings(max_examples=50, deadline=None)
@given(file_bytes, file_bytes, file_bytes, st.sampled_from(CHANGES), st.sampled_from(MOMENTS))
def test_a_change_after_the_snapshot_is_never_overwritten(old, new, edit, change, moment):
    """The snapshot is taken, then someone else changes the file, before the write starts or while its
    temp file is being written (after the writer's first look); the write must be a skip with a kind, the
    file (or its absence, or its new name) exactly as that someone left it, and no temp file left."""
    assume(old != new and edit not in (old, new))
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "module.py"
        target.write_bytes(old)
        before = read_snapshot(target)
        expected = {"module.py": old}

        def change_it():
            apply_change(change, target, old, edit, before, expected)

        if moment == "before the write":
            change_it()
            outcome = write_if_unchanged(target, before, new, within=[tmp])
        else:
            temp_copy = fsio.temp_copy

            def temp_copy_then_change(*args, **kwargs):
                tmp_name = temp_copy(*args, **kwargs)
                change_it()
                return tmp_name

            with mock.patch.object(fsio, "temp_copy", temp_copy_then_change):
                outcome = write_if_unchanged(target, before, new, within=[tmp])
        assert outcome.status == "skipped", outcome
        assert outcome.kind == ("gone" if change in ("delete", "rename") else "changed"), outcome
        assert outcome.reason
        assert {name: (Path(tmp) / name).read_bytes() for name in os.listdir(tmp)} == expected


def apply_change(change: str, target: Path, old: bytes, edit: bytes, before, expected: dict) -> None:
    """Another program's change to ``target``; ``expected`` (name -> bytes) becomes what it leaves."""
    if change == "edit":
        target.write_bytes(edit)
        expected["module.py"] = edit
    elif change == "delete":
        target.unlink()
        del expected["module.py"]
    elif change == "rename":
        target.rename(target.with_name("moved.py"))
        expected["moved.py"] = expected.pop("module.py")
    elif change == "new inode, same bytes":
        target.with_name("replacement").write_bytes(old)
        os.replace(target.with_name("replacement"), target)
    else:  # same bytes and inode in the end, but written to since: the mtime says so
        with open(target, "ab") as handle:
            handle.write(b"x")
            handle.truncate(len(old))
        os.utime(target, ns=(before.identity[3] + 1_000_000, before.identity[3] + 1_000_000))
