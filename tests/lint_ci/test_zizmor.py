"""zizmor folded into lint-ci as actionlint is: the real binary, offline, once per run, its audits as ZZ
rules with its severities (high error, medium warning, low/informational info), its own
``# zizmor: ignore[...]`` honoured (and by CI005, its unpinned-images), a crash or nonsense answer an error
(ZZ098), a missing zizmor one info finding (ZZ000). On main lint-ci never ran zizmor: none of these ids existed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from infractl import cli
from infractl.lint_ci.command import collect
from infractl.lint_ci.tools.zizmor import find_zizmor

runner = CliRunner()
needs_zizmor = pytest.mark.skipif(find_zizmor(None) is None, reason="zizmor is not installed (pip install zizmor)")

RISKY = """name: ci
on:
  pull_request_target:
permissions: {}
jobs:
  test:
    runs-on: ubuntu-latest
    permissions: {}
    steps:
      - uses: actions/checkout@v4
      - run: echo "${{ github.event.pull_request.title }}"
"""


def _workflow(root: Path, text: str, name: str = "ci.yml") -> Path:
    path = root / ".github" / "workflows" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def _zz(findings) -> list[tuple]:
    return sorted((f.line, f.rule, f.severity.value) for f in findings if f.rule.startswith("ZZ"))


@needs_zizmor
def test_zizmors_audits_are_findings_of_their_own_with_its_severities(tmp_path):
    path = _workflow(tmp_path, RISKY)
    findings = collect(tmp_path).findings
    assert _zz(findings) == [
        (3, "ZZ008", "error"),  # dangerous-triggers: pull_request_target
        (10, "ZZ004", "warning"),  # artipacked: medium
        (10, "ZZ036", "error"),  # unpinned-uses: actions/checkout@v4, high
        (11, "ZZ031", "error"),  # template-injection of the PR title, high
    ]
    assert {f.path for f in findings if f.rule.startswith("ZZ")} == {str(path)}
    injection = next(f for f in findings if f.rule == "ZZ031")
    assert "template-injection" in injection.message and injection.column == 24


@needs_zizmor
def test_zizmors_own_ignore_comments_are_honoured_and_silence_ci005_too(tmp_path):
    text = RISKY.replace('title }}"', 'title }}"  # zizmor: ignore[template-injection]').replace(
        "    permissions: {}\n", "    permissions: {}\n    container: postgres:latest  # zizmor: ignore[unpinned-images]\n")
    _workflow(tmp_path, text)
    findings = collect(tmp_path).findings
    rules = {f.rule for f in findings}
    assert "ZZ031" not in rules and "ZZ034" not in rules and "CI005" not in rules
    assert "ZZ008" in rules  # the other audits still report
    # without the comment CI005 and zizmor's unpinned-images both see the image, and it is reported once
    _workflow(tmp_path, text.replace("  # zizmor: ignore[unpinned-images]", ""))
    images = [(f.rule, f.line) for f in collect(tmp_path).findings if f.rule in ("CI005", "ZZ034")]
    assert images == [("CI005", 9)]
    # zizmor's finding stays on a line where infractl has none (the dedup is by rule alias and line)
    from infractl.lint_ci import command

    assert [(f.rule, f.line) for f in command._once([
        _finding("ZZ034", 9), _finding("CI005", 12)])] == [("ZZ034", 9), ("CI005", 12)]


def _finding(rule: str, line: int):
    from infractl.lint_ci.rules import RULE

    return RULE[rule].finding("ci.yml", line, None, "image")


@needs_zizmor
def test_a_clean_workflow_has_no_zizmor_finding_and_exit_0(tmp_path):
    _workflow(tmp_path, "name: ci\non: push\npermissions: {}\njobs:\n  test:\n    name: test\n"
                        "    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n")
    result = runner.invoke(cli.app, ["lint-ci", "--json", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert not [f for f in json.loads(result.stdout)["findings"] if f["rule"].startswith("ZZ")]


@needs_zizmor
def test_files_zizmor_cannot_parse_are_left_to_ci009_and_are_not_a_zizmor_failure(tmp_path):
    """zizmor exits 3 ("no inputs collected") when no file is a workflow it can read: no ZZ098."""
    _workflow(tmp_path, "on: push\njobs: [\n", "broken.yml")
    _workflow(tmp_path, "on: push\njobs: 3\n", "schema.yml")
    rules = {f.rule for f in collect(tmp_path).findings}
    assert "CI009" in rules and not {r for r in rules if r.startswith("ZZ")}


def _fake_zizmor(tmp_path: Path, monkeypatch, body: str) -> Path:
    fake = tmp_path / "fake-zizmor"
    fake.write_text("#!/bin/sh\n" + body + "\n")
    fake.chmod(0o755)
    import infractl.lint_ci.tools.zizmor as module

    real = module.find_zizmor
    monkeypatch.setattr(module, "find_zizmor", lambda configured: [str(fake), *real(str(fake))[1:]])
    return fake


@pytest.mark.parametrize(("body", "expected"), [
    ("echo 'thread main panicked' >&2\nexit 101", ["exit 101", "thread main panicked"]),
    ("kill -SEGV $$", ["killed by SIGSEGV"]),
    ("echo 'not json'\nexit 0", ["output is not its JSON", "not json"]),
    ("echo '{}'\nexit 0", ["output is not its JSON"]),
    ("echo 'fatal: bad config' >&2\nexit 3", ["exit 3", "fatal: bad config"]),
], ids=["panic", "sigsegv", "garbage", "not-a-list", "exit-3-not-no-inputs"])
def test_a_failing_zizmor_is_an_error_finding_with_its_whole_message(tmp_path, monkeypatch, body, expected):
    _fake_zizmor(tmp_path, monkeypatch, body)
    _workflow(tmp_path / "repo", "name: ci\non: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n"
                                 "      - run: echo hi\n")
    result = runner.invoke(cli.app, ["lint-ci", "--json", str(tmp_path / "repo")])
    assert result.exit_code == 1, result.output
    failed = [f for f in json.loads(result.stdout)["findings"] if f["rule"] == "ZZ098"]
    assert len(failed) == 1 and failed[0]["severity"] == "error"
    for text in expected:
        assert text in failed[0]["message"]


def test_zizmor_runs_offline_once_over_every_workflow(tmp_path, monkeypatch):
    """One process for all the files, with --offline: it must never reach the network."""
    calls = tmp_path / "calls"
    _fake_zizmor(tmp_path, monkeypatch, f'echo "$@" >> {calls}\necho "[]"')
    for name in ("a.yml", "b.yml", "c.yml"):
        _workflow(tmp_path / "repo", "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n"
                                     "      - run: echo hi\n", name)
    collect(tmp_path / "repo")
    [call] = calls.read_text().splitlines()
    assert "--offline" in call.split() and "--format json" in call
    assert [Path(word).name for word in call.split() if word.endswith(".yml")] == ["a.yml", "b.yml", "c.yml"]


def test_without_zizmor_one_info_finding_says_so(tmp_path, monkeypatch):
    import infractl.lint_ci.tools.zizmor as module

    monkeypatch.setattr(module, "find_zizmor", lambda configured: None)
    _workflow(tmp_path, "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n")
    _workflow(tmp_path, "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n",
              "two.yml")
    missing = [f for f in collect(tmp_path).findings if f.rule.startswith("ZZ")]
    assert [(f.rule, f.severity.value) for f in missing] == [("ZZ000", "info")]
    assert "pip install zizmor" in missing[0].fix


def test_a_configured_zizmor_that_does_not_exist_is_a_configuration_error(tmp_path):
    _workflow(tmp_path, "on: push\njobs: {}\n")
    (tmp_path / "pyproject.toml").write_text('[tool.infractl.lint_ci]\nzizmor = "/no/such/zizmor"\n')
    result = runner.invoke(cli.app, ["lint-ci", str(tmp_path)])
    assert result.exit_code == 2
    assert "[tool.infractl.lint_ci]: zizmor '/no/such/zizmor' not found" in result.output
