"""The safe loader layer: a hostile or broken input is one finding (or a one-line exit 2 for the
configuration) in bounded time and memory, and the run goes on with everything else.

Commands run in a child process with a 1 GB address-space limit and a timeout, so a regression fails
here instead of eating the machine."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

LIMIT_BYTES = 1024 ** 3
SECONDS = 3.0


def _billion_laughs(indent: str = "") -> str:
    lines = [f'{indent}x0: &x0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"{indent}x{i}: &x{i} [{', '.join([f'*x{i - 1}'] * 9)}]" for i in range(1, 9)]
    return "\n".join(lines) + "\n"


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT_BYTES, LIMIT_BYTES))


def _run(args: list[str], cwd: Path, path_env: str | None = None) -> tuple[subprocess.CompletedProcess, float]:
    env = dict(os.environ, NO_COLOR="1")
    if path_env is not None:  # hide promtool/actionlint: what infractl itself does is under test
        env["PATH"] = path_env
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "infractl", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=30, preexec_fn=_limited, check=False)
    return done, time.monotonic() - started


def _findings(done: subprocess.CompletedProcess) -> list[dict]:
    assert "Traceback" not in done.stderr, done.stderr
    return json.loads(done.stdout)["findings"]


def _bare_path() -> str:
    return os.path.dirname(sys.executable)


def test_billion_laughs_workflow_is_one_ci009_in_bounded_time(tmp_path):
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "ci.yml").write_text("on: push\n" + _billion_laughs()
                                      + "jobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pytest\n")
    done, elapsed = _run(["lint-ci", ".", "--json"], tmp_path, _bare_path())
    findings = _findings(done)
    assert [f["rule"] for f in findings if f["severity"] == "error"] == ["CI009"], findings
    assert "billion-laughs" in findings[0]["message"]
    assert done.returncode == 1 and elapsed < SECONDS


def test_billion_laughs_alert_file_is_one_mon011_in_bounded_time(tmp_path):
    (tmp_path / "alerts.yml").write_text("groups:\n  - name: x\n    rules:\n      - alert: A\n        expr: up == 0\n"
                                         "        labels:\n" + _billion_laughs("          "))
    done, elapsed = _run(["check", ".", "--json"], tmp_path, _bare_path())
    findings = _findings(done)
    assert [f["rule"] for f in findings if f["severity"] == "error"] == ["MON011"], findings
    assert done.returncode == 1 and elapsed < SECONDS


def test_billion_laughs_compose_file_is_one_compose000_in_bounded_time(tmp_path):
    (tmp_path / "docker-compose.yml").write_text(
        "services:\n  web:\n    image: nginx:1.27\n    healthcheck: {test: [CMD, true]}\n    environment:\n"
        + _billion_laughs("      "))
    done, elapsed = _run(["manifests", "lint", ".", "--json"], tmp_path)
    findings = _findings(done)
    assert [f["rule"] for f in findings] == ["COMPOSE000"], findings
    assert done.returncode == 1 and elapsed < SECONDS


def test_duplicate_keys_are_errors_at_the_second_key():
    from infractl.load import LoadError
    from infractl.load.yamldocs import load_documents

    with pytest.raises(LoadError, match=r"duplicate key 'runs-on' \(first at line 2\)") as caught:
        load_documents("job:\n  runs-on: a\n  steps: []\n  runs-on: b\n")
    assert caught.value.line == 4
    merged = load_documents("base: &b {x: 1, y: 2}\nuse:\n  <<: *b\n  y: 3\n")[0]["use"]
    assert merged == {"x": 1, "y": 3}  # a merge key is no duplicate: the mapping's own key wins


def test_duplicate_key_in_a_workflow_is_ci009(tmp_path):
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "ci.yml").write_text("on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    runs-on: x\n"
                                      "    steps:\n      - run: pytest\n")
    findings = _findings(_run(["lint-ci", ".", "--json"], tmp_path, _bare_path())[0])
    assert [(f["rule"], f["line"]) for f in findings] == [("CI009", 5)], findings
    assert "duplicate key 'runs-on'" in findings[0]["message"]


def test_non_utf8_workflow_is_a_finding_and_check_reports_its_other_areas(tmp_path):
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "ci.yml").write_bytes(b"on: push\n# caf\xe9\njobs: {}\n")
    (tmp_path / "Dockerfile").write_text("FROM python:latest\nUSER 10001\nCMD [\"python\"]\n")
    done, _ = _run(["check", ".", "--json"], tmp_path, _bare_path())
    findings = _findings(done)
    ci009 = [f for f in findings if f["rule"] == "CI009"]
    assert len(ci009) == 1 and ci009[0]["line"] == 2 and "not UTF-8" in ci009[0]["message"], findings
    assert "DOCKER001" in {f["rule"] for f in findings}, findings


def test_deep_json_dashboard_and_mapping_are_findings(tmp_path):
    from infractl.monitoring.dashboards import dashboard_findings
    from infractl.wiremock.mappings.loading import MappingFile, load

    deep = "[" * 100_000 + "]" * 100_000
    dashboard = tmp_path / "dash.json"
    dashboard.write_text('{"title": "t", "panels": ' + deep + "}")
    assert [f.rule for f in dashboard_findings(dashboard, None, set())] == ["MON006"]
    mapping_path = tmp_path / "deep.json"
    mapping_path.write_text('{"request": ' + deep + "}")
    mapping = MappingFile(str(mapping_path), "deep.json")
    load(mapping)
    assert mapping.problem is not None and mapping.problem[0] == "WM001", mapping.problem


def _config_error(tmp_path: Path, *args: str) -> str:
    done, elapsed = _run(["check", *args, "."], tmp_path, _bare_path())
    assert done.returncode == 2 and elapsed < SECONDS, done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
    return done.stderr


def test_config_from_a_device_is_one_line_exit_2(tmp_path):
    assert "/dev/zero: not a regular file" in _config_error(tmp_path, "--config", "/dev/zero")


def test_deep_toml_config_is_one_line_exit_2(tmp_path):
    (tmp_path / "infractl.toml").write_text("a = " + "[" * 5000 + "1" + "]" * 5000 + "\n")
    assert "nested more than" in _config_error(tmp_path)


def test_tool_infractl_of_the_wrong_type_is_an_error(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "svc"\n\n[tool]\ninfractl = "yes"\n')
    assert "[tool.infractl] must be a table" in _config_error(tmp_path)


def test_infractl_toml_hint_names_the_table_it_holds(tmp_path):
    (tmp_path / "infractl.toml").write_text('[tool.infractl.db]\nurl = "postgresql://localhost/app"\n')
    message = _config_error(tmp_path)
    assert "write [db], not [tool.infractl.db]" in message and "fix_datetime" not in message


def test_latin1_migration_is_read_by_its_coding_line(tmp_path):
    from infractl.verify_db.static.parse import parse_revision_file

    path = tmp_path / "0001_init.py"
    path.write_bytes("# -*- coding: latin-1 -*-\n\"\"\"Créé\"\"\"\nrevision = \"0001\"\ndown_revision = None\n\n"
                     "def upgrade():\n    pass\n".encode("latin-1"))
    assert parse_revision_file(path).revision == "0001"


def test_long_operator_chain_is_a_dt001_in_bounded_time(tmp_path):
    (tmp_path / "big.py").write_text("import datetime\nstamp = datetime.datetime.utcnow()\nx = "
                                     + " + ".join(["1"] * 20_000) + "\n")
    (tmp_path / "ok.py").write_text("import datetime\nstamp = datetime.datetime.utcnow()\n")
    done, elapsed = _run(["fix-datetime", ".", "--check", "--json"], tmp_path)
    findings = _findings(done)
    assert [f["rule"] for f in findings if f["path"].endswith("big.py")] == ["DT001"], findings
    assert any(f["path"].endswith("ok.py") for f in findings), findings  # the run went on
    assert elapsed < 10
