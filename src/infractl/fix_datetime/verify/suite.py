"""Running the project's own test command and reading what each test did.

When CMD is a pytest invocation (``pytest ...``, ``py.test ...``, ``python -m pytest ...``), it gets
``--junitxml`` and each test's outcome is read from that report; otherwise the command's exit status is
the only outcome there is. CMD runs through the one runner (``infractl.tools``): its own process group,
ended with infractl on Ctrl-C or SIGTERM, and within the time the budget has left.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import NamedTuple

from infractl import tools

EXIT_STATUS = "(exit status)"  # the one outcome of a command that is not pytest


class SuiteError(Exception):
    """CMD could not be run at all, or did not finish in time: nothing can be decided from it."""


class Outcomes(NamedTuple):
    tests: dict  # test id -> "passed" | "failed" | "error" | "skipped" (or EXIT_STATUS -> "0"/"1"...)
    status: int  # CMD's exit status
    output: str  # the end of what it printed, for a report

    def failing(self) -> list[str]:
        return sorted(test for test, outcome in self.tests.items() if outcome in ("failed", "error"))


def command_argv(command: str) -> tuple[dict, list[str]]:
    """CMD's variables and argv (``tools.split_command``); SuiteError when it cannot be read."""
    try:
        return tools.split_command(command, "--verify")
    except ValueError as exc:
        raise SuiteError(str(exc)) from None


def is_pytest(argv: list[str]) -> bool:
    """``pytest ...``, ``py.test ...``, ``python -m pytest ...`` (the variables in front already taken)."""
    name = os.path.basename(argv[0])
    if name in ("pytest", "py.test"):
        return True
    return name.startswith("python") and argv[1:3] == ["-m", "pytest"]


def run_suite(command: str, cwd: Path, timeout: float) -> Outcomes:
    """Run CMD in ``cwd``; each test's outcome (pytest) or the exit status."""
    assigned, argv = command_argv(command)
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **assigned}  # no __pycache__ left in the copy's tree
    with tempfile.TemporaryDirectory(prefix="infractl-verify-") as scratch:
        report = Path(scratch) / "junit.xml"
        pytest = is_pytest(argv)
        if pytest:
            argv = [*argv, f"--junitxml={report}", "-p", "no:cacheprovider"]
        try:
            done = tools.run(argv, cwd=cwd, env=env, timeout=max(timeout, 1.0))
        except tools.ToolTimeout:
            raise SuiteError(f"--verify: '{command}' did not finish within {timeout:.0f} s (the budget's time left)") from None
        except OSError as exc:
            raise SuiteError(f"--verify: cannot run '{argv[0]}': {exc.strerror or exc}") from None
        output = (done.stdout + done.stderr)[-2000:]
        if done.returncode < 0:
            raise SuiteError(f"--verify: '{command}' was {tools.status_text(done.returncode)}: {output.strip()[-300:]}")
        if not pytest:
            return Outcomes({EXIT_STATUS: str(done.returncode)}, done.returncode, output)
        if not report.is_file():  # pytest did not get as far as its report (usage error, no tests found...)
            return Outcomes({EXIT_STATUS: str(done.returncode)}, done.returncode, output)
        return Outcomes(read_junit(report), done.returncode, output)


def read_junit(report: Path) -> dict:
    """``{classname::name: outcome}`` from a JUnit XML report (pytest's form)."""
    from xml.etree import ElementTree

    try:
        tree = ElementTree.parse(report)
    except ElementTree.ParseError as exc:
        raise SuiteError(f"--verify: pytest's junit report cannot be read ({exc})") from None
    outcomes: dict = {}
    for case in tree.iter("testcase"):
        test = f"{case.get('classname', '')}::{case.get('name', '')}"
        tags = {child.tag for child in case}
        outcome = ("error" if "error" in tags else "failed" if "failure" in tags
                   else "skipped" if "skipped" in tags else "passed")
        if test in outcomes and outcomes[test] != "passed":
            continue  # a teardown error is a second entry of the same test: keep the worse one
        outcomes[test] = outcome
    return outcomes


def compare(baseline: Outcomes, flaky: frozenset, now: Outcomes) -> tuple[str, ...]:
    """The tests whose outcome differs from the baseline (flaky ones never count); a test that appears
    or disappears counts too."""
    tests = set(baseline.tests) | set(now.tests)
    return tuple(sorted(t for t in tests - flaky if baseline.tests.get(t) != now.tests.get(t)))


def flaky_tests(first: Outcomes, second: Outcomes) -> frozenset:
    """Tests whose outcome differed between two runs of the same tree: they never decide anything."""
    return frozenset(t for t in set(first.tests) | set(second.tests) if first.tests.get(t) != second.tests.get(t))
