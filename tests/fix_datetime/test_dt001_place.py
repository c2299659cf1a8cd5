"""DT001 (the file does not parse) is reported where Python's own parser puts the error (issue 16).

The rewrite parses with Python's own parser, so its place is Python's (libcst, which the rewrite used
before, named the token after the error: ``def f(:`` at the start of the next line, an unclosed bracket at
the end of the file). Each case is compared with ``python -c "import ast; ast.parse(...)"`` run apart.
"""

import subprocess
import sys

import pytest
from support.fixdt import run_fix

HEAD = "import datetime\nx = datetime.datetime.utcnow()\n"
BROKEN = {
    "bad_parameter": HEAD + "def f(:\n    pass\n",
    "unclosed_bracket": HEAD + "y = (1,\nz = 2\n",
    "missing_colon": HEAD + "if x\n    pass\n",
    "unexpected_indent": HEAD + "  y = 1\n",
    "two_names": HEAD + "foo bar\n",
    "unclosed_call_in_function": "from datetime import datetime\ndef f():\n    return datetime.utcnow(\n\n\n",
}
PYTHON_PLACE = (
    "import ast, sys\n"
    "try:\n"
    "    ast.parse(open(sys.argv[1], encoding='utf-8').read())\n"
    "except SyntaxError as e:\n"
    "    print(e.lineno, e.offset)\n"
)


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_dt001_is_at_the_line_and_column_python_reports(name, tmp_path, monkeypatch, capsys):
    path = tmp_path / f"{name}.py"
    path.write_text(BROKEN[name])
    (tmp_path / "fine.py").write_text(HEAD)  # not every file fails: exit 1, not 2
    monkeypatch.chdir(tmp_path)
    python = subprocess.run([sys.executable, "-c", PYTHON_PLACE, str(path)], capture_output=True, text=True,
                            check=True).stdout.split()
    line, column = int(python[0]), int(python[1])

    code, report, _ = run_fix(capsys, check=True)

    assert code == 1
    [finding] = [f for f in report["findings"] if f["rule"] == "DT001"]
    assert finding["path"] == path.name
    assert (finding["line"], finding["column"]) == (line, column)
    assert finding["message"].endswith("; file left unchanged")
    assert path.read_text() == BROKEN[name]


def test_a_nul_byte_is_dt001_not_a_crash(tmp_path, monkeypatch, capsys):
    """Python's parser refuses a NUL before reading anything (a ValueError, not a SyntaxError)."""
    path = tmp_path / "nul.py"
    path.write_bytes(HEAD.encode() + b"y = 1\x00\n")
    (tmp_path / "fine.py").write_text(HEAD)  # not every file fails: exit 1, not 2
    monkeypatch.chdir(tmp_path)
    code, report, _ = run_fix(capsys, check=True)
    assert code == 1
    [finding] = [f for f in report["findings"] if f["rule"] == "DT001"]
    assert "null bytes" in finding["message"] and finding["message"].endswith("; file left unchanged")
    assert (finding["line"], finding["column"]) == (3, 6)
