"""infractl check: every area in one report, one exit code; SARIF that validates against the official schema."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from support.sarif_schema import sarif_schema
from typer.testing import CliRunner

from infractl import cli

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "webhook-receiver"
runner = CliRunner()


def _check(*args: str):
    result = runner.invoke(cli.app, ["check", *args])
    return result.exit_code, result.output


def test_example_gives_every_area_its_findings():
    code, out = _check("--json", str(EXAMPLE))
    assert code == 1
    doc = json.loads(out)
    rules = Counter(f["rule"] for f in doc["findings"])
    # migrations (verify-db, static), CI workflows, test skips: the example's deliberate defects
    assert rules["DB001"] == 2 and rules["DB002"] == 1 and rules["DB003"] == 1
    assert rules["CI002"] == 1 and rules["CI005"] == 1 and rules["CI008"] == 1 and rules["CI007"] == 3
    assert rules["DT010"] + rules["DT011"] == 23  # every pending datetime rewrite is a finding of its own
    assert rules["WM007"] == 1 and rules["WM010"] == 1  # the example's WireMock stubs
    assert doc["areas"]["migrations"].startswith("4 Alembic revisions")
    assert doc["areas"]["monitoring"] == ("nothing found: looked for Prometheus rule files and Grafana dashboards "
                                          f"([tool.infractl.monitoring]) under {EXAMPLE}")


def test_sarif_validates_against_the_official_schema():
    import jsonschema

    code, out = _check("--format", "sarif", str(EXAMPLE))
    assert code == 1
    document = json.loads(out)
    jsonschema.validate(document, sarif_schema())
    run = document["runs"][0]
    ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert all(run["tool"]["driver"]["rules"][r["ruleIndex"]]["id"] == r["ruleId"] for r in run["results"])
    assert {"DB001", "CI002"} <= set(ids)
    assert all(rule.get("shortDescription") for rule in run["tool"]["driver"]["rules"] if not rule["id"].startswith("AL"))


def test_github_annotations_one_per_finding():
    code, out = _check("--format", "github", "--select", "DB,CI", str(EXAMPLE))
    lines = out.splitlines()
    assert code == 1 and lines and all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)
    assert any("title=DB002" in line for line in lines)


def test_select_ignore_and_exit_codes(tmp_path):
    code, out = _check("--json", "--select", "CI007", str(EXAMPLE))
    assert code == 0 and {f["rule"] for f in json.loads(out)["findings"]} == {"CI007"}
    assert _check("--select", "CI007", "--strict", str(EXAMPLE))[0] == 1
    assert _check("--ignore", "ZZ9", str(EXAMPLE))[0] == 2
    assert _check(str(tmp_path / "missing"))[0] == 2


def test_a_repository_with_nothing_to_check_is_clean_and_says_so(tmp_path):
    code, out = _check("--json", str(tmp_path))
    doc = json.loads(out)
    assert code == 0 and doc["findings"] == [] and doc["summary"]["areas"] == 0
    assert len(doc["areas"]) == 7  # datetime, workflows, migrations, monitoring, manifests, envfiles, wiremock
    assert all(said.startswith("nothing found: looked for ") and said.endswith(f" under {tmp_path}")
               for said in doc["areas"].values()), doc["areas"]


def test_unknown_area_in_config_is_an_error(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.infractl.check]\nareas = ['workflow']\n")
    code, out = _check(str(tmp_path))
    assert code == 2 and "unknown area workflow" in out


@pytest.mark.slow
def test_the_repository_itself_is_clean():
    code, out = _check("--json", str(ROOT))
    doc = json.loads(out)
    assert code == 0, [f for f in doc["findings"] if f["severity"] == "error"]


@pytest.mark.parametrize("table", ["lint_ci", "db", "manifests", "monitoring", "wiremock"])
def test_a_misspelled_key_in_an_area_table_is_an_error_even_when_the_area_finds_nothing(tmp_path, table):
    # `migration = "db/versions"` (for `migrations`) used to make the area find nothing: exit 0, silently.
    (tmp_path / "pyproject.toml").write_text(f"[tool.infractl.{table}]\nmigration = 'db/versions'\n")
    code, out = _check(str(tmp_path))
    assert code == 2 and f"[tool.infractl.{table}]: unknown key 'migration'" in out


WORKFLOW_WITH_LATEST = """on: push
jobs:
  test:
    runs-on: ubuntu-latest
    container: python:latest
    steps:
      - run: pytest
"""


def test_an_area_honours_its_own_tables_select_and_ignore(tmp_path):
    # `lint-ci` drops what [tool.infractl.lint_ci] ignores; `check` runs the same area and must agree.
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "ci.yml").write_text(WORKFLOW_WITH_LATEST)
    code, out = _check("--json", "--select", "CI", str(tmp_path))
    assert code == 0 and [f["rule"] for f in json.loads(out)["findings"]] == ["CI005"]
    (tmp_path / "pyproject.toml").write_text("[tool.infractl.lint_ci]\nignore = ['CI005']\n")
    code, out = _check("--json", "--select", "CI", str(tmp_path))
    assert json.loads(out)["findings"] == []
    (tmp_path / "pyproject.toml").write_text("[tool.infractl.lint_ci]\nselect = ['CI00X']\n")
    code, out = _check(str(tmp_path))
    assert code == 2 and "'CI00X' matches no rule" in out


def test_progress_on_a_terminal_and_quiet_otherwise(tmp_path):
    """Areas can take many seconds (kustomize per directory): a terminal used to see nothing until the end."""
    import os
    import pty
    import subprocess
    import sys

    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "ci.yml").write_text(WORKFLOW_WITH_LATEST)
    command = [sys.executable, "-m", "infractl", "check", "--select", "CI", str(tmp_path)]
    master, slave = pty.openpty()
    try:
        done = subprocess.run(command, stdout=subprocess.PIPE, stderr=slave, timeout=120, check=False)
        os.close(slave)
        shown = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(master)
    assert done.returncode == 0 and b"CI005" in done.stdout
    assert b"checking" in shown
    quiet = subprocess.run(command, capture_output=True, timeout=120, check=False)
    assert quiet.returncode == 0 and quiet.stderr == b""


def test_every_area_walks_and_reads_through_the_one_scanner(tmp_path, monkeypatch):
    """The datetime area and the workflows area both read the tests; monitoring looks at the heads of the
    Python files: each file is read from disk once, and each directory listed once, for the whole run."""
    from infractl.check.command import collect
    from infractl.discover import files

    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "clock.py").write_text("import datetime\nx = datetime.datetime.utcnow()\n")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_clock.py").write_text(
        "import pytest\n\n\n@pytest.mark.skip(reason='later')\ndef test_it():\n    pass\n")
    reads, listings = Counter(), Counter()
    real_read, real_list = files._read_whole, files._list
    monkeypatch.setattr(files, "_read_whole", lambda path: reads.update([path]) or real_read(path))
    monkeypatch.setattr(files, "_list", lambda real: listings.update([real]) or real_list(real))
    monkeypatch.chdir(tmp_path)
    report = collect(Path("."))
    assert {(f.path, f.rule) for f in report.findings} >= {("app/clock.py", "DT010"), ("tests/test_clock.py", "CI007")}
    assert reads == {"app/clock.py": 1, "tests/test_clock.py": 1}
    assert listings and set(listings.values()) == {1}
