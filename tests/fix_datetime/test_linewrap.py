"""A rewritten statement over the project's line length is wrapped in black's style, and only that one."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from support.fixdt import run_fix as run_fix_default


def run_fix(capsys, *paths, **options):
    """These tests are about files and layout, written for the aware rewrite (the default before auto)."""
    return run_fix_default(capsys, *paths, **{"mode": "aware", **options})

from infractl.fix_datetime.rewrite.linewrap import DEFAULT_LINE_LENGTH, project_line_length, wrap_long_lines
from infractl.fix_datetime.rewrite.transform import transform_source

RUFF = Path(sys.executable).parent / "ruff"
SOURCE = '''from datetime import datetime

UNTOUCHED = "a line that is long already and is not rewritten, so it stays exactly as it is, long"


def handler(request, payload):
    if payload.get("expires") and datetime.utcfromtimestamp(payload["expires"]) < datetime.utcnow():
        raise ValueError('expired')
    record = build_record(name=request.name, created=datetime.utcnow(), owner=request.user.ident)
    short = datetime.utcnow()
    return record, short
'''


def ruff_line_length_ok(path: Path, length: int) -> subprocess.CompletedProcess:
    return subprocess.run([str(RUFF), "check", "--isolated", "--no-cache", "--select", "E501",
                           "--line-length", str(length), str(path)], capture_output=True, text=True, check=False)


def test_long_rewritten_statements_are_wrapped_like_black(tmp_path, monkeypatch, capsys):
    (tmp_path / "pyproject.toml").write_text("[tool.ruff]\nline-length = 100\n")
    path = tmp_path / "handler.py"
    path.write_text(SOURCE)
    monkeypatch.chdir(tmp_path)
    code, report, _ = run_fix(capsys)
    assert code == 0 and report["summary"]["calls_fixed"] == 4
    text = path.read_text()
    assert text == '''from datetime import datetime, timezone

UNTOUCHED = "a line that is long already and is not rewritten, so it stays exactly as it is, long"


def handler(request, payload):
    if payload.get("expires") and datetime.fromtimestamp(
        payload["expires"], tz=timezone.utc
    ) < datetime.now(timezone.utc):
        raise ValueError('expired')
    record = build_record(
        name=request.name, created=datetime.now(timezone.utc), owner=request.user.ident
    )
    short = datetime.now(timezone.utc)
    return record, short
'''
    assert ast.dump(ast.parse(text)) == ast.dump(ast.parse(transform_source(SOURCE, mode="aware").code))
    done = ruff_line_length_ok(path, 100)
    assert done.returncode == 0, done.stdout


def test_without_wrapping_the_same_lines_would_be_too_long(tmp_path):
    """The check above can fail: the plain rewrite of SOURCE breaks the line length."""
    path = tmp_path / "plain.py"
    path.write_text(transform_source(SOURCE).code)
    assert ruff_line_length_ok(path, 100).returncode == 1


def test_hazard_lines_follow_the_wrapped_text(tmp_path, monkeypatch, capsys):
    source = ("from datetime import datetime\n\n\ndef f(payload):\n"
              "    return datetime.utcfromtimestamp(payload['expires_at_seconds']) > datetime(2030, 1, 1, 0, 0)\n"
              "\n\nx = datetime.utcnow()\nif x > datetime(2030, 1, 1):\n    pass\n")
    (tmp_path / "h.py").write_text(source)
    monkeypatch.chdir(tmp_path)
    _, report, _ = run_fix(capsys, check=True)  # nothing written: lines of the file as it is
    checked = [(f["line"], f["rule"]) for f in report["findings"] if f["rule"].startswith("DT1")]
    # the long return statement; x stored at module level (aware mode: DT109); the comparison below
    assert checked == [(5, "DT101"), (8, "DT109"), (9, "DT101")]
    _, report, _ = run_fix(capsys)
    lines = (tmp_path / "h.py").read_text().splitlines()
    hazards = [(f["line"], f["rule"]) for f in report["findings"] if f["rule"].startswith("DT1")]
    assert hazards, report["findings"]
    for line, _ in hazards:
        assert "datetime" in lines[line - 1], (line, lines)
    assert any(lines[line - 1].startswith("if x >") for line, _ in hazards)  # below the wrapped statement


@pytest.mark.parametrize(("files", "expected"), [
    ({}, DEFAULT_LINE_LENGTH),
    ({"pyproject.toml": "[tool.black]\nline-length = 79\n"}, 79),
    ({"pyproject.toml": "[tool.ruff]\nline-length = 120\n[tool.black]\nline-length = 79\n"}, 120),
    ({"ruff.toml": "line-length = 100\n", "pyproject.toml": "[tool.black]\nline-length = 79\n"}, 100),
    ({"pyproject.toml": "[project]\nname = 'x'\n"}, DEFAULT_LINE_LENGTH),
])
def test_line_length_comes_from_ruff_then_black(tmp_path, files, expected):
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "src").mkdir()
    assert project_line_length(tmp_path / "src") == expected


def test_statement_sharing_its_line_or_holding_a_multiline_string_is_left_alone():
    old = 'from datetime import datetime\nx = 1; y = f(datetime.utcnow(), "a" * 60)\nz = g(datetime.utcnow(), """\n  text""" * 30, 1)\n'
    new = transform_source(old).code
    assert wrap_long_lines(old, new, 40).text == new
