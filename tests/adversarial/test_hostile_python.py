"""fix-datetime in write mode on Python files that are odd or hostile: each file is either rewritten
correctly (it still compiles, with its newlines, BOM and encoding) or left byte for byte as it was with a
finding on it; never lost, never half-written, and the run is bounded in time and memory.
(Deep nesting and huge expressions are another branch's: tests/core/test_loaders.py.)"""

from __future__ import annotations

import json
import os
import time

from support.hostile_tree import run_bounded

UTCNOW = b"from datetime import datetime\n\nstarted = datetime.utcnow()\n"
LATIN1_HEAD = b"# -*- coding: latin-1 -*-\nname = 'caf\xe9'\n"
NESTED = b'''import functools
from datetime import datetime


def stamp(when=None):
    return functools.partial(print, when)


@stamp(datetime.utcnow())
def job():
    label = f"at {datetime.utcnow():%H:%M} / {datetime.utcnow().isoformat()!r}"
    later = lambda: datetime.utcnow()
    return label, later
'''
BIG = b"from datetime import datetime\n" + b"x = datetime.utcnow()\n" * (5 * 2**20 // 22)  # 5 MB

# name -> (bytes, how its rewrite must still look: a check on the new bytes)
REWRITTEN = {
    "crlf.py": (UTCNOW.replace(b"\n", b"\r\n"), lambda new: new.count(b"\n") == new.count(b"\r\n") > 0),
    "cr_only.py": (UTCNOW.replace(b"\n", b"\r"), lambda new: b"\n" not in new and b"\r" in new),
    "bom.py": (b"\xef\xbb\xbf" + UTCNOW, lambda new: new.startswith(b"\xef\xbb\xbf") and new.count(b"\xef\xbb\xbf") == 1),
    "latin1.py": (LATIN1_HEAD + UTCNOW, lambda new: new.startswith(LATIN1_HEAD)),
    "nested.py": (NESTED, lambda new: new.count(b"datetime.now(") == 4),
}
LEFT_ALONE = {
    "binary.py": bytes(range(256)) * 8 + b"\nstarted = datetime.utcnow()\n",  # not text, but a candidate
    "nul.py": b"x = 1\x00\n" + UTCNOW,
    "big.py": BIG,
    "invalid_utf8.py": b"name = '\xff\xfe'\n" + UTCNOW,  # no coding line: UTF-8, and this is not
}


def test_each_hostile_file_is_rewritten_correctly_or_left_byte_identical_with_a_finding(tmp_path):
    originals = {name: data for name, (data, _) in REWRITTEN.items()} | LEFT_ALONE
    for name, data in originals.items():
        (tmp_path / name).write_bytes(data)
    result = run_bounded(tmp_path, ["fix-datetime", "--json", "."])
    assert result.returncode == 1, result.stderr  # rewrites done, and files left untouched with an error
    stderr = result.stderr.decode()
    assert "internal error" not in stderr and "Traceback" not in stderr, stderr
    assert sorted(os.listdir(tmp_path)) == sorted(originals)  # nothing lost, no temp file left
    findings = json.loads(result.stdout)["findings"]
    for name, (data, keeps_form) in REWRITTEN.items():
        new = (tmp_path / name).read_bytes()
        assert b"utcnow" not in new and keeps_form(new), (name, new)
        compile(new, name, "exec")  # honours the BOM and the coding line, as the interpreter would
    for name, data in LEFT_ALONE.items():
        assert (tmp_path / name).read_bytes() == data, name
        said = [f for f in findings if f["path"] == name]
        assert any(f["severity"] in ("error", "warning") for f in said), (name, said)


def test_a_5_mb_file_with_no_size_limit_is_processed_within_the_bound(tmp_path):
    """--max-file-size 0 lifts the 2 MB guard: 238,000 calls in one module still end within the time
    and address-space bounds, rewritten, or left as they were with an error on the file (then exit 2 as
    documented: no candidate file could be processed)."""
    target = tmp_path / "big.py"
    target.write_bytes(BIG)
    started = time.monotonic()
    result = run_bounded(tmp_path, ["fix-datetime", "--json", "--max-file-size", "0", "big.py"])
    assert time.monotonic() - started < 3  # refused by the parser's bound before any ast pass (7-16 s before)
    stderr = result.stderr.decode()
    assert "internal error" not in stderr and "Traceback" not in stderr, stderr
    new = target.read_bytes()
    if new != BIG:
        assert result.returncode in (0, 1), stderr
        assert b"utcnow" not in new
        compile(new, "big.py", "exec")
    else:
        assert result.returncode in (1, 2), stderr
        said = [f for f in json.loads(result.stdout)["findings"] if f["path"] == "big.py"]
        assert any(f["severity"] == "error" for f in said), said
    assert os.listdir(tmp_path) == ["big.py"]
