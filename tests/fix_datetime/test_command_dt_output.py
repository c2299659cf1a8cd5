"""fix-datetime's modes and outputs: --check, --diff, --json, the summary, and what it imports."""

import subprocess
import sys

from support.fixdt import run_fix, snapshot

CHANGED = ["app/api/handlers.py", "app/clock.py", "app/db.py", "app/models.py"]

fix = run_fix


def test_check_exits_1_with_pending_changes_and_0_when_clean(service, capsys):
    before = snapshot(service)
    code, out, _ = fix(capsys, check=True, fmt="table")
    assert code == 1
    assert snapshot(service) == before
    assert "4 files would change" in out and "(7 files scanned)" in out
    assert fix(capsys)[0] == 0
    code, out, _ = fix(capsys, check=True, fmt="table")
    assert code == 0 and "0 files would change, 0 rewrites" in out


def test_summary_table_has_a_row_per_changed_file(service, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # rich truncates cells to fit 80 columns when not on a terminal
    code, out, _ = fix(capsys, fmt="table")
    assert code == 0
    rows = [line for line in out.splitlines() if line.split() and line.split()[0].endswith(".py")]
    assert sorted(row.split()[0] for row in rows) == CHANGED
    db_row = next(row for row in rows if row.split()[0] == "app/db.py")
    assert "4 fixed" in db_row  # three calls and one reference
    assert "4 files changed" in out and "rewrites" in out and "(7 files scanned)" in out


def test_diff_is_a_valid_unified_diff_and_changes_nothing(service, tmp_path, capsys):
    before = snapshot(service)
    code, out, err = fix(capsys, diff=True, fmt="table")
    assert code == 0
    assert snapshot(service) == before
    assert sorted(line[len("+++ b/"):] for line in out.splitlines() if line.startswith("+++ ")) == CHANGED
    assert "4 files would change" in err and "would change" not in out  # the summary goes to stderr
    # The diff applies with patch(1) and gives exactly what a real run writes.
    (tmp_path / "change.diff").write_text(out)
    applied = subprocess.run(["patch", "-p1", "--batch", "-i", str(tmp_path / "change.diff")],
                             cwd=service, capture_output=True, text=True, check=False)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    patched = snapshot(service)
    for rel in before:
        (service / rel).write_bytes(before[rel])
    fix(capsys)
    assert patched == snapshot(service)


def test_diff_with_check_exits_1(service, capsys):
    code, out, _ = fix(capsys, diff=True, check=True, fmt="table")
    assert code == 1 and out.startswith("--- a/")


def test_diff_keeps_crlf_and_marks_a_missing_final_newline(tmp_path, monkeypatch, capsys):
    (tmp_path / "w.py").write_bytes(b"from datetime import datetime\r\nx = datetime.utcnow()")
    monkeypatch.chdir(tmp_path)
    _, out, _ = fix(capsys, diff=True, fmt="table", mode="aware")
    assert "+x = datetime.now(timezone.utc)\n\\ No newline at end of file\n" in out.replace("now(tz=", "now(")
    assert "\r\n" in out


def test_json_document_has_the_documented_keys(service, capsys):
    code, report, _ = fix(capsys, check=True)
    assert code == 1
    assert {"tool", "version", "command", "findings", "summary", "files", "mode", "target_version"} <= set(report)
    assert report["command"] == "fix-datetime"
    for key in ["files_scanned", "files_candidate", "files_changed", "calls_fixed", "refs_fixed", "rewrites",
                "hazards", "written", "error", "warning"]:
        assert key in report["summary"], key
    assert report["summary"]["written"] is False
    entry = next(f for f in report["files"] if f["path"] == "app/db.py")
    assert entry == {"path": "app/db.py", "calls_fixed": 3, "refs_fixed": 1, "hazards": 0, "changed": True,
                     "error": False, "skipped": ""}


def test_json_with_diff_carries_the_diff_per_file(service, capsys):
    code, report, _ = fix(capsys, diff=True)
    assert code == 0
    diffs = {f["path"]: f["diff"] for f in report["files"] if f["changed"]}
    assert sorted(diffs) == CHANGED
    assert diffs["app/db.py"].startswith("--- a/app/db.py\n+++ b/app/db.py\n@@ ")


def test_hazards_are_warnings_that_fail_only_with_strict(tmp_path, monkeypatch, capsys):
    # isoformat() of a rewritten value gains "+00:00": the transform flags it for review.
    source = b"from datetime import datetime\n\nSTAMP = datetime.utcnow().isoformat()\n"
    (tmp_path / "h.py").write_bytes(source)
    monkeypatch.chdir(tmp_path)
    code, report, _ = fix(capsys, strict=True, diff=True, mode="aware")
    assert code == 1
    hazards = [f for f in report["findings"] if f["severity"] == "warning"]
    assert [(f["path"], f["line"]) for f in hazards] == [("h.py", 3)] and hazards[0]["rule"].startswith("DT")
    assert report["summary"]["hazards"] == 1 and report["files"][0]["hazards"] == 1
    assert fix(capsys, diff=True, mode="aware")[0] == 0  # a warning alone does not fail
    assert fix(capsys, strict=True, mode="aware")[0] == 1  # --strict: written, but the warning fails the run
    (tmp_path / "h.py").write_bytes(source)
    code, report, _ = fix(capsys, mode="aware")
    assert code == 0 and report["summary"]["files_changed"] == 1  # warnings alone do not fail
    assert b"utcnow" not in (tmp_path / "h.py").read_bytes()


PROBE = """
import sys
from infractl.cli import main
sys.argv = ["infractl", *sys.argv[1:]]
try:
    main()
except SystemExit as exc:
    code = exc.code
heavy = sorted(m for m in ("libcst", "sqlalchemy", "psycopg", "alembic", "rich") if m in sys.modules)
print(code, ",".join(heavy) or "-", file=sys.stderr)
"""


def probe(cwd, *args) -> tuple[int, list[str]]:
    run = subprocess.run([sys.executable, "-c", PROBE, *args], cwd=cwd, capture_output=True, text=True, check=False)
    code, heavy = run.stderr.strip().splitlines()[-1].split()
    return int(code), [] if heavy == "-" else heavy.split(",")


def test_importing_the_cli_imports_nothing_heavy():
    check = "import sys, infractl.cli; print(sorted(m for m in ('libcst', 'sqlalchemy', 'rich') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_fix_datetime_never_imports_libcst(tmp_path):
    """The rewrite is ``ast`` and text edits: libcst's import (~0.15 s) is not paid, with or without hits."""
    for i in range(3):
        (tmp_path / f"m{i}.py").write_text("from datetime import datetime, timezone\nx = datetime.now(timezone.utc)\n")
    code, heavy = probe(tmp_path, "fix-datetime", "--check", ".")
    assert code == 0 and "libcst" not in heavy
    assert "rich" not in heavy  # a clean plain-text run does not pay for rich either
    (tmp_path / "m9.py").write_text("from datetime import datetime\n\n\ndef f():\n    return datetime.utcnow()\n")
    (tmp_path / "test_m9.py").write_text("from unittest import mock\n\n\n@mock.patch('m9.datetime')\n"
                                         "def test_f(dt):\n    dt.utcnow.return_value = 1\n")
    for args in (("--check",), ("--diff",), ()):
        code, heavy = probe(tmp_path, "fix-datetime", *args, "-j", "1", ".")
        assert code == (1 if args == ("--check",) else 0) and "libcst" not in heavy, (args, heavy)
    assert "timezone.utc" in (tmp_path / "m9.py").read_text()  # the last run wrote the rewrite


def test_check_reports_hazards_at_the_lines_on_disk(tmp_path, monkeypatch, capsys):
    # The rewrite inserts a 5-line utc_now() helper above the hazard; --check changes nothing, so the
    # hazard must point at the line as it is in the unchanged file, while a real run points at the new one.
    source = (
        "from datetime import datetime\n"
        "from sqlalchemy import Column, DateTime\n"
        "\n"
        "created = Column(DateTime, default=datetime.utcnow)\n"
        "stamp = datetime.utcnow().isoformat()\n"
    )
    target = tmp_path / "models.py"
    target.write_text(source)
    monkeypatch.chdir(tmp_path)
    code, doc, _ = fix(capsys, "models.py", check=True, mode="aware")
    assert code == 1
    lines = {f["rule"]: f["line"] for f in doc["findings"] if f["severity"] == "warning"}
    assert lines == {"DT106": 4, "DT105": 5}
    assert source.splitlines()[lines["DT105"] - 1].startswith("stamp =")
    pending = sorted((f["rule"], f["line"], f["column"], f["severity"]) for f in doc["findings"] if f["rule"] == "DT010")
    assert pending == [("DT010", 4, 36, "error"), ("DT010", 5, 9, "error")]  # each rewrite, where it is on disk
    code, doc, _ = fix(capsys, "models.py", mode="aware")
    written = target.read_text().splitlines()
    by_rule = {f["rule"]: f["line"] for f in doc["findings"] if f["severity"] == "warning"}
    assert written[by_rule["DT105"] - 1].startswith("stamp =")
    assert by_rule["DT105"] > 5
