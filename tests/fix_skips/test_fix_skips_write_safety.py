"""fix-skips writes through the one safe writer: a file edited between the read and the write, a read-only
file, a hard link and a symlink to outside the paths given are left as they are, with FS004/FS005, and
the FS001 of such a file says it is still skipped everywhere ("would be gated"), never "gated"."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from infractl import cli

runner = CliRunner()
SOURCE = b'import pytest\n\n\n@pytest.mark.skip(reason="needs the docker-compose PostgreSQL")\ndef test_store():\n    pass\n'


@pytest.fixture
def tests_dir(tmp_path) -> Path:
    root = tmp_path / "tests"
    root.mkdir()
    (root / "test_store.py").write_bytes(SOURCE)
    return root


def run(*args: str) -> tuple[int, dict]:
    result = runner.invoke(cli.app, ["fix-skips", "--json", *args])
    return result.exit_code, json.loads(result.stdout)


def assert_still_skipped(report: dict, rule: str, words: str) -> None:
    fs001 = [f for f in report["findings"] if f["rule"] == "FS001"]
    assert [(f["severity"], f["line"]) for f in fs001] == [("error", 4)]
    assert "would be gated on RUN_E2E_TESTS" in fs001[0]["message"]
    assert not any(": gated on" in f["message"] for f in report["findings"])
    [refusal] = [f for f in report["findings"] if f["rule"] == rule]
    assert words in refusal["message"] and "left untouched" in refusal["message"]
    assert report["summary"]["files_changed"] == 0


def test_a_file_edited_between_read_and_write_is_not_overwritten(tests_dir, monkeypatch):
    from infractl.fix_skips import command

    edit = SOURCE + b"\n\ndef test_new():\n    pass\n"
    original = command.write

    def edited_first(outcome, *args, **kwargs):  # the user saves the file just before our write
        Path(outcome.path).write_bytes(edit)
        return original(outcome, *args, **kwargs)

    monkeypatch.setattr(command, "write", edited_first)
    code, report = run(str(tests_dir))
    assert code == 1
    assert (tests_dir / "test_store.py").read_bytes() == edit
    assert_still_skipped(report, "FS004", "changed since it was read")


def test_a_read_only_file_is_left_alone(tests_dir):
    (tests_dir / "test_store.py").chmod(0o444)
    code, report = run(str(tests_dir))
    assert code == 1
    assert (tests_dir / "test_store.py").read_bytes() == SOURCE
    assert_still_skipped(report, "FS004", "read-only")


def test_a_hard_link_is_not_split(tests_dir):
    os.link(tests_dir / "test_store.py", tests_dir.parent / "alias.py")
    code, report = run(str(tests_dir))
    assert code == 1
    assert os.path.samefile(tests_dir / "test_store.py", tests_dir.parent / "alias.py")
    assert (tests_dir / "test_store.py").read_bytes() == SOURCE
    assert_still_skipped(report, "FS004", "2 hard links")


def test_a_symlink_to_a_file_outside_the_paths_is_not_rewritten(tests_dir):
    outside = tests_dir.parent / "shared"
    outside.mkdir()
    (tests_dir / "test_store.py").rename(outside / "test_store.py")
    (tests_dir / "test_store.py").symlink_to(outside / "test_store.py")
    code, report = run(str(tests_dir))
    assert (outside / "test_store.py").read_bytes() == SOURCE
    assert (tests_dir / "test_store.py").is_symlink()
    assert_still_skipped(report, "FS005", "outside the given paths")
    assert code == 1  # the skip is still there: FS001 is an error
