"""check_migrations beyond the fixture cases: bad input, the returned state, and never running the files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from infractl.errors import InfractlError
from infractl.verify_db.rules import ColumnInfo, DefaultKind, RuleSettings, check_column, classify_default
from infractl.verify_db.static.chain import MigrationState, RevisionInfo, check_migrations

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "migrations"


def test_missing_directory_is_an_error(tmp_path: Path):
    with pytest.raises(InfractlError, match=r"^migrations directory not found: .*nope$"):
        check_migrations(tmp_path / "nope", RuleSettings())


def test_a_file_instead_of_a_directory_is_an_error(tmp_path: Path):
    file = tmp_path / "env.py"
    file.write_text("", encoding="utf-8")
    with pytest.raises(InfractlError, match="migrations directory not found"):
        check_migrations(file, RuleSettings())


@pytest.mark.parametrize("files", [[], ["__init__.py"], ["README", "notes.txt"]])
def test_directory_without_revision_files_is_an_error(tmp_path: Path, files: list[str]):
    for name in files:
        (tmp_path / name).write_text("", encoding="utf-8")
    with pytest.raises(InfractlError, match=r"no Alembic revision files \(\*\.py\) in "):
        check_migrations(tmp_path, RuleSettings())


def test_syntax_error_names_file_and_line():
    with pytest.raises(InfractlError) as info:
        check_migrations(FIXTURES / "bad_syntax_error" / "versions", RuleSettings())
    assert "2b_broken.py:7:" in str(info.value)


def test_revision_files_are_parsed_never_imported(tmp_path: Path):
    marker = tmp_path / "imported"
    (tmp_path / "a1_boom.py").write_text(
        f'open({str(marker)!r}, "w").close()\nraise SystemExit("imported!")\n'
        'revision = "a1"\ndown_revision = None\n\n\ndef upgrade():\n    pass\n', encoding="utf-8")
    findings, state = check_migrations(tmp_path, RuleSettings())
    assert findings == [] and state.heads == ["a1"]
    assert not marker.exists()


def test_state_shape_for_the_command_and_live_helpers():
    versions = FIXTURES / "merge_revision" / "versions"
    findings, state = check_migrations(versions, RuleSettings())
    assert isinstance(state, MigrationState)
    assert state.heads == ["ee"]
    assert state.order == ["aa", "bb", "cc", "dd", "ee"]
    assert state.revisions["dd"] == RevisionInfo("dd", versions / "dd_merge.py", ("bb", "cc"))
    assert state.revisions["aa"].down_revision == ()
    created = state.tables["items"]["created_at"]
    assert isinstance(created, ColumnInfo)
    assert (created.data_type, created.nullable, created.default) == (
        "timestamp with time zone", False, "'now()'::timestamp with time zone")
    assert classify_default(created.default) is DefaultKind.CONSTANT
    assert check_column(created, RuleSettings())[0].rule == "DB002"
    assert [f.rule for f in findings] == ["DB002", "DB003"]


def test_finding_paths_keep_the_path_as_given(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(FIXTURES)
    findings, _ = check_migrations(Path("db002_plain_string_now/versions"), RuleSettings())
    assert [f.path for f in findings] == [os.path.join("db002_plain_string_now", "versions",
                                                       "ab12cd34ef56_create_invoices.py")]


def test_multiple_heads_finding_can_be_ignored():
    findings, state = check_migrations(FIXTURES / "multiple_heads" / "versions", RuleSettings(ignore=("DB101",)))
    assert state.heads == ["bb", "cc"]
    assert "DB101" not in {f.rule for f in findings}


def test_importing_the_checker_does_not_import_libcst():
    code = ("import sys, infractl.verify_db.static.chain, infractl.verify_db.fix.migration; "
            "print('libcst' in sys.modules, 'sqlalchemy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
