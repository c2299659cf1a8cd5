"""``infractl check --fix`` end to end, in-process (``cli.app.run``): fixed findings are reported as fixed
(a row each, ``"fixed": true`` in JSON, "N fixed, M remaining"), what needs a human stays a finding and
sets the exit code, ``--diff`` writes nothing and exits 1, a second run changes nothing, and plain
``check`` stays read-only. Also the flag on every command whose rules have fixers."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from infractl.cli.app import run
from infractl.rulebook import get_rule
from infractl.wiremock.mappings.fixers import derived_id

DASHBOARD = get_rule("MON020").bad
MAPPING = ('{\n  "id": "receiver-healthy",\n  "request": { "method": "GET", "urlPath": "/-/healthy" },\n'
           '  "response": { "status": 200, "bodyFileName": "missing.json" }\n}\n')


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "grafana").mkdir()
    (tmp_path / "grafana" / "receiver.json").write_text(DASHBOARD)
    mappings = tmp_path / "wiremock" / "mappings"
    mappings.mkdir(parents=True)
    (mappings / "healthy.json").write_text(MAPPING)
    os.chmod(mappings / "healthy.json", 0o600)
    return tmp_path


def _tree(root: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mode) for p in sorted(root.rglob("*"))
            if p.is_file()}


def test_check_alone_changes_nothing(repo, capsys):
    before = _tree(repo)
    assert run(["check", str(repo)]) == 1
    assert _tree(repo) == before
    assert "fixed" not in capsys.readouterr().out


def test_fix_reports_what_it_fixed_and_what_remains(repo, capsys):
    run(["check", str(repo), "--json"])
    (plain,) = [f for f in json.loads(capsys.readouterr().out)["findings"] if f["rule"] == "WM010"]
    code = run(["check", str(repo), "--fix", "--json"])
    document = json.loads(capsys.readouterr().out)
    (after,) = [f for f in document["findings"] if f["rule"] == "WM010"]
    assert after == plain  # found again in the private copy, reported with the user's paths in every field
    assert code == 1  # WM010 (the body file does not exist) needs a human
    fixed = {(entry["rule"], entry["fixed"]) for entry in document["fixed"]}
    assert fixed == {("MON020", True), ("WM007", True), ("WM012", True)}
    remaining = {finding["rule"] for finding in document["findings"]}
    assert "WM010" in remaining and not remaining & {"MON020", "WM007", "WM012"}
    assert document["summary"]["fixed"] == 3 and document["summary"]["remaining"] == len(document["findings"])
    healthy = repo / "wiremock" / "mappings" / "healthy.json"
    assert healthy.stat().st_mode & 0o777 == 0o644
    assert healthy.read_text() == MAPPING.replace('"receiver-healthy"', f'"{derived_id("receiver-healthy")}", '
                                                  '"name": "receiver-healthy"')
    assert (repo / "grafana" / "receiver.json").read_text() == get_rule("MON020").good

    before = _tree(repo)
    assert run(["check", str(repo), "--fix"]) == 1  # idempotent: the same finding remains, nothing changes
    out = capsys.readouterr().out
    assert _tree(repo) == before and "0 fixed, " in out and "WM010" in out


def test_fix_in_plain_text_says_n_fixed_m_remaining(repo, capsys):
    run(["check", str(repo), "--fix"])
    out = capsys.readouterr().out
    assert "; 3 fixed, " in out
    fixed_rows = [line.split() for line in out.splitlines() if line.split()[1:2] in (["MON020"], ["WM007"], ["WM012"])]
    assert sorted((row[0].rsplit("/", 1)[-1].split(":")[0], row[1]) for row in fixed_rows) == [
        ("healthy.json", "WM007"), ("healthy.json", "WM012"), ("receiver.json", "MON020")]


def test_diff_writes_nothing_and_exits_1(repo, capsys):
    before = _tree(repo)
    assert run(["check", str(repo), "--fix", "--diff"]) == 1
    captured = capsys.readouterr()
    assert _tree(repo) == before
    assert "old mode 600\nnew mode 644\n" in captured.out
    assert '-      "datasource": { "type": "prometheus", "uid": "P1809F7CD0C75ACF3" },\n' in captured.out
    assert '+      "datasource": { "type": "prometheus", "uid": "${ds}" },\n' in captured.out
    assert "3 would be fixed" in captured.err  # the report goes to stderr: stdout is the patch


@pytest.mark.parametrize("command", [["lint-ci"], ["manifests", "lint"], ["wiremock", "validate"], ["check"]])
def test_every_command_with_fixes_takes_the_flags(command, capsys):
    assert run([*command, "--help"]) == 0
    out = capsys.readouterr().out
    assert all(flag in out for flag in ("--fix", "--unsafe-fixes", "--diff"))


def test_a_configured_wiremock_dir_is_rechecked_in_the_copy(tmp_path, capsys):
    """[tool.infractl.wiremock] dir is relative to the configuration: the recheck must read the copy's,
    or every fix would look ineffective (the real file still has the finding) and be reverted."""
    (tmp_path / "pyproject.toml").write_text('[tool.infractl.wiremock]\ndir = "stubs"\n')
    (tmp_path / "stubs" / "mappings").mkdir(parents=True)
    (tmp_path / "stubs" / "mappings" / "a.json").write_text(MAPPING.replace("missing.json", "a.json"))
    (tmp_path / "stubs" / "__files").mkdir()
    (tmp_path / "stubs" / "__files" / "a.json").write_text("{}\n")
    assert run(["check", str(tmp_path), "--fix", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert [entry["rule"] for entry in document["fixed"]] == ["WM007"] and document["findings"] == []
