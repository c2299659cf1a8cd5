"""The head start's external tools (prestart.py): actionlint, zizmor and promtool started from a guess made
on the raw arguments, before Typer is imported. A run adopts a process only when it would have started
exactly that command line; the output and exit code must not depend on the guess, a crash of an adopted
tool is still an error finding, and Ctrl-C leaves no process behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support.entry_runs import SCRIPT, comparable, run_entry

from infractl.entry import guess, head_start, start_tools
from infractl.process import prestart

WORKFLOW = """name: ci
on: [push, pull_request_target]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: echo "${{ github.event.pull_request.title }}" ${{ matrix.missing }}
"""
OTHER_WORKFLOW = """name: other
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/setup-python@v5
"""
RULES = """groups:
  - name: service
    rules:
      - alert: Broken
        expr: rate(http_requests_total[5m] > 1
        for: 5m
"""
CONFIG = "global:\n  scrape_interval: 15s\nscrape_configs:\n  - job_name: app\n    static_configs:\n      - targets: ['app:8000']\n"


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    """Workflows with actionlint and zizmor findings, a rule file promtool rejects, a Prometheus
    configuration, and configurations that lead the run elsewhere than the guess."""
    root = tmp_path_factory.mktemp("prestart")
    (root / "pyproject.toml").write_text('[tool.infractl.check]\nareas = ["workflows", "monitoring"]\n')
    (root / ".github" / "workflows").mkdir(parents=True)
    (root / ".github" / "workflows" / "ci.yml").write_text(WORKFLOW)
    (root / "ci").mkdir()
    (root / "ci" / "other.yml").write_text(OTHER_WORKFLOW)
    (root / "AL" / ".github" / "workflows").mkdir(parents=True)  # a directory named like a flag's value
    (root / "AL" / ".github" / "workflows" / "ci.yml").write_text(OTHER_WORKFLOW)
    (root / "alerts").mkdir()
    (root / "alerts" / "rules.yml").write_text(RULES)
    (root / "prometheus.yml").write_text(CONFIG)
    # other workflows, and check without its monitoring area
    (root / "other.toml").write_text('[check]\nareas = ["workflows"]\n[lint_ci]\nworkflows = ["ci/*.yml"]\n')
    crash = root / "crash.sh"  # a zizmor that dies of a signal: an error finding, adopted or not
    crash.write_text("#!/bin/sh\nkill -SEGV $$\n")
    crash.chmod(0o755)
    (root / "crash.toml").write_text('[check]\nareas = ["workflows"]\n[lint_ci]\nzizmor = "./crash.sh"\n')
    return root


ARGUMENT_LISTS = [
    ["lint-ci"],
    ["lint-ci", "--json"],
    ["lint-ci", "."],
    ["lint-ci", ".github/workflows/ci.yml", "--format", "github"],
    ["lint-ci", "--format=sarif", ".github/workflows/ci.yml"],
    ["lint-ci", "--config", "other.toml", "."],
    ["lint-ci", "--config", "crash.toml", "--json"],
    # guesses that are wrong: the path is not last, a flag's value is a directory, the config named last wins
    ["lint-ci", "ci/other.yml", "--json"],
    ["lint-ci", "--select", "AL"],
    ["lint-ci", "--config", "other.toml", "--config=pyproject.toml", "--json"],
    ["lint-ci", "missing"],
    ["check"],
    ["check", "--json"],
    ["check", "--config", "other.toml", "."],
    ["check", "--config", "crash.toml", "--json"],
    ["check", "alerts", "--json"],
    ["check", "--json", "--ignore", "alerts"],
    ["check", "--strict", "--select", "MON,ZZ"],
]


@pytest.mark.parametrize("args", ARGUMENT_LISTS, ids=" ".join)
def test_the_early_tools_change_no_output(tree, args):
    with_head, without = run_entry(args, tree), run_entry(args, tree, head=False)
    assert with_head.returncode == without.returncode, (with_head.stderr, without.stderr)
    assert comparable(with_head.stdout) == comparable(without.stdout)
    assert with_head.stderr == without.stderr
    assert with_head.returncode in (1, 2)  # each list meets a finding or an error: nothing passes by accident


def test_a_crashed_zizmor_is_an_error_finding_with_the_head_start(tree):
    done = run_entry(["lint-ci", "--config", "crash.toml", "--format", "github"], tree)
    assert done.returncode == 1
    assert "ZZ098" in done.stdout and "killed by SIGSEGV" in done.stdout


@pytest.mark.parametrize("args, guessed, started, left", [
    (["lint-ci"], ["lint-ci"], 2, 0),  # actionlint and zizmor
    (["lint-ci", ".github/workflows/ci.yml"], ["lint-ci", ".github/workflows/ci.yml"], 2, 0),
    (["lint-ci"], [".github/workflows/ci.yml"], 0, 0),  # not a command
    (["check", "--json", "."], ["check", "."], 4, 0),  # and promtool on the rule file, on the configuration
    (["check", "--config", "other.toml"], ["check", "--config", "other.toml"], 2, 0),
    (["lint-ci"], ["lint-ci", "--config", "other.toml"], 2, 2),  # guessed ci/*.yml, ran on .github/workflows
    (["lint-ci", "--select", "AL"], ["lint-ci", "--select", "AL"], 2, 2),  # guessed AL/, ran on .
    (["check", "--config", "other.toml"], ["check"], 4, 4),  # the same; and promtool for an area not run
])
def test_a_right_guess_is_adopted_and_a_wrong_one_is_not(tree, monkeypatch, args, guessed, started, left):
    """In process: the tools the guess started, then the run as Typer parses ``args``."""
    from infractl.cli.app import run

    monkeypatch.chdir(tree)
    monkeypatch.delenv("INFRACTL_NO_HEAD_START", raising=False)
    scanner = head_start(guessed)
    try:
        start_tools(guessed, scanner)
        processes = list(prestart._waiting.values())
        assert len(processes) == started
        if scanner is not None:  # check's monitoring files, found to start promtool (4: two promtool calls)
            assert len(scanner.found_early) == (1 if started == 4 else 0)
        assert run(list(args), scanner) in (0, 1)
        assert prestart.adoptable() == left
        if scanner is not None:  # the monitoring files found early: taken by the area when it ran
            assert len(scanner.found_early) == (1 if left == 4 else 0)
    finally:
        prestart.close()
        if scanner is not None:
            scanner.close()
    assert all(process.poll() is not None for process in processes)  # none is left running
    assert prestart.adoptable() == 0


@pytest.mark.parametrize("args, started", [(["lint-ci"], 2), (["check", "."], 4)])
def test_the_tools_start_before_typer_and_pyyaml_are_imported(tree, args, started):
    """The point of it all: the tools run while the interpreter imports the parser and loads the YAML."""
    code = ("import sys\n"
            "from infractl.process import prestart\n"
            "from infractl.entry import head_start, start_tools\n"
            f"scanner = head_start({args!r})\n"
            f"start_tools({args!r}, scanner)\n"
            "print(prestart.adoptable(), sorted({'typer', 'yaml', 'click'} & set(sys.modules)))\n"
            "prestart.close()\n"
            "scanner and scanner.close()\n")
    env = {key: value for key, value in os.environ.items() if key != "INFRACTL_NO_HEAD_START"}
    done = subprocess.run([sys.executable, "-c", code], cwd=tree, capture_output=True, text=True, env=env,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"{started} []\n"


def test_lint_ci_guesses_a_file_check_only_a_directory(tree, monkeypatch):
    monkeypatch.chdir(tree)
    assert guess([".github/workflows/ci.yml"], file_too=True) == (".github/workflows/ci.yml", None)
    assert guess([".github/workflows/ci.yml"]) == (".", None)


def test_nothing_is_started_without_the_head_start_or_for_other_commands(tree, monkeypatch):
    monkeypatch.chdir(tree)
    monkeypatch.setenv("INFRACTL_NO_HEAD_START", "1")
    start_tools(["lint-ci"], None)
    monkeypatch.delenv("INFRACTL_NO_HEAD_START")
    for args in (["lint-ci", "--help"], ["fix-datetime", "."], ["manifests", "lint", "."], ["lint-ci", "-h"]):
        start_tools(args, None)
    assert prestart.adoptable() == 0


def test_a_configuration_that_cannot_be_read_starts_nothing(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text("[tool.infractl\n")
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "ci.yml").write_text(OTHER_WORKFLOW)
    monkeypatch.chdir(tmp_path)
    start_tools(["lint-ci"], None)
    assert prestart.adoptable() == 0
    with_head, without = run_entry(["lint-ci"], tmp_path), run_entry(["lint-ci"], tmp_path, head=False)
    assert with_head.returncode == without.returncode == 2
    assert with_head.stderr == without.stderr and "pyproject.toml" in with_head.stderr


def test_ctrl_c_ends_the_run_and_its_early_tools_within_a_second(tmp_path):
    """A zizmor that never ends, started by the head start: Ctrl-C (SIGINT to infractl alone, as a
    terminal sends it to the foreground group, which the tool is not in) is 130 and leaves no process."""
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "ci.yml").write_text(OTHER_WORKFLOW)
    pids = tmp_path / "pids"
    slow = tmp_path / "slow.sh"
    slow.write_text(f"#!/bin/sh\necho $$ >> {pids}\nexec sleep 60\n")
    slow.chmod(0o755)
    (tmp_path / "pyproject.toml").write_text('[tool.infractl.lint_ci]\nzizmor = "./slow.sh"\n')
    env = {**os.environ, "INFRACTL_DEBUG": ""}
    env.pop("INFRACTL_NO_HEAD_START", None)
    infractl = subprocess.Popen([sys.executable, "-c", SCRIPT, "lint-ci"], cwd=tmp_path, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while not (pids.exists() and pids.read_text().strip()) and time.monotonic() < deadline:
        time.sleep(0.005)
    assert pids.exists(), "the slow zizmor never started"
    started = time.monotonic()
    infractl.send_signal(signal.SIGINT)
    out, err = infractl.communicate(timeout=10)
    assert time.monotonic() - started < 1.0
    assert infractl.returncode == 130 and err.endswith("interrupted\n") and "Traceback" not in err
    assert out == ""
    for pid in map(int, pids.read_text().split()):
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
