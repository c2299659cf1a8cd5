"""``helper = "app.timeutil:utc_now"``: references import the project's helper, no helper per module."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from support.fixdt import run_fix

from infractl.errors import InfractlError

TIMEUTIL = '''from datetime import datetime, timezone


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def naive_utc_now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


STAMP = datetime.utcnow
'''
MODELS = '''from datetime import datetime

from sqlalchemy import Column, DateTime


class Event:
    created = Column(DateTime(timezone=True), default=datetime.utcnow)
    updated = Column(DateTime(timezone=True), default=datetime.utcnow, onupdate=datetime.utcnow)
'''


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "timeutil.py").write_text(TIMEUTIL)
    (tmp_path / "app" / "models.py").write_text(MODELS)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def configure(root, **keys):
    keys = {"mode": "aware", **keys}  # written for the aware rewrite (the default before auto)
    lines = "".join(f'{key} = "{value}"\n' for key, value in keys.items())
    (root / "pyproject.toml").write_text(f"[tool.infractl.fix_datetime]\n{lines}")


def test_references_import_the_configured_helper(project, capsys):
    configure(project, helper="app.timeutil:utc_now")
    code, report, _ = run_fix(capsys)
    assert code == 0 and report["summary"]["refs_fixed"] == 4
    models = (project / "app" / "models.py").read_text()
    assert "from app.timeutil import utc_now\n" in models
    assert "def utc_now" not in models and "default=utc_now, onupdate=utc_now" in models
    timeutil = (project / "app" / "timeutil.py").read_text()
    assert "STAMP = utc_now\n" in timeutil and "import utc_now" not in timeutil  # its own module: no import
    assert timeutil.count("def utc_now") == 1
    for path in (project / "app").glob("*.py"):
        ast.parse(path.read_text())
    assert run_fix(capsys)[1]["summary"]["files_changed"] == 0  # idempotent: the import is recognised
    # ``datetime`` was only used by the references: its import would now fail lint (F401), so it went
    assert "from datetime import" not in models and models.startswith("from sqlalchemy import")
    ruff = Path(sys.executable).parent / "ruff"
    done = subprocess.run([str(ruff), "check", "--isolated", "--no-cache", "--select", "F", str(project / "app")],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout


def test_an_import_still_used_elsewhere_stays(project, capsys):
    configure(project, helper="app.timeutil:utc_now")
    (project / "app" / "models.py").write_text(MODELS.replace("import datetime\n", "import datetime, timedelta\n")
                                                + "\n\nTTL = timedelta(days=1)\nSTARTED: datetime | None = None\n")
    assert run_fix(capsys)[0] == 0
    models = (project / "app" / "models.py").read_text()
    assert "from datetime import datetime, timedelta\n" in models and "default=utc_now" in models


def test_naive_mode_uses_naive_helper(project, capsys):
    configure(project, helper="app.timeutil:utc_now", naive_helper="app.timeutil:naive_utc_now", mode="naive")
    assert run_fix(capsys)[0] == 0
    models = (project / "app" / "models.py").read_text()
    assert "from app.timeutil import naive_utc_now\n" in models and "default=naive_utc_now" in models


def test_naive_mode_without_naive_helper_gets_a_module_helper(project, capsys):
    configure(project, naive_helper="app.timeutil:naive_utc_now")  # aware mode: naive_helper is not used
    assert run_fix(capsys)[0] == 0
    models = (project / "app" / "models.py").read_text()
    assert "def utc_now() -> datetime:" in models and "app.timeutil" not in models


def test_a_name_clash_imports_under_another_name(project, capsys):
    configure(project, helper="app.timeutil:utc_now")
    (project / "app" / "models.py").write_text(MODELS + "\n\ndef helper():\n    utc_now = 1\n    return utc_now\n"
                                                "\n\nutc_now = 'taken'\n")
    assert run_fix(capsys)[0] == 0
    models = (project / "app" / "models.py").read_text()
    assert "from app.timeutil import utc_now as _utc_now\n" in models and "default=_utc_now" in models


@pytest.mark.parametrize(("keys", "message"), [
    ({"helper": "app.timeutil.utc_now"}, "must look like"),
    ({"helper": "app.time-util:utc_now"}, "not a valid"),
    ({"helper": ".timeutil:utc_now"}, "not a valid"),
    ({"helper": "app.nothere:utc_now"}, "not found"),
    ({"helper": "app.timeutil:utcnow_typo"}, "does not define"),
    ({"helper": "app.timeutil:utc_now", "mode": "naive"}, "never be used"),
])
def test_bad_helper_settings_are_errors(project, capsys, keys, message):
    configure(project, **keys)
    with pytest.raises(InfractlError, match=message):
        run_fix(capsys)
    assert (project / "app" / "models.py").read_text() == MODELS


def test_hazard_lines_follow_a_dropped_import(project, capsys):
    configure(project, helper="app.timeutil:utc_now")
    source = ("from datetime import datetime\nimport os\nimport sys\n\nfrom sqlalchemy import Column, DateTime\n\n\n"
              "class Event:\n    created = Column(DateTime, default=datetime.utcnow)\n")
    (project / "app" / "models.py").write_text(source)
    _, report, _ = run_fix(capsys)
    lines = (project / "app" / "models.py").read_text().splitlines()
    hazards = [f for f in report["findings"] if f["rule"] == "DT106"]
    assert hazards and all("Column(DateTime" in lines[f["line"] - 1] for f in hazards), (hazards, lines)
