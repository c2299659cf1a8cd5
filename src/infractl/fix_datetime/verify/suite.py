"""Running the project's own test command and reading what each test did.

When CMD is a pytest invocation (``pytest ...``, ``py.test ...``, ``python -m pytest ...``), it gets
``--junitxml`` and each test's outcome is read from that report; otherwise the command's exit status is
the only outcome there is. CMD runs through the one runner (``infractl.process.tools``): its own process group,
ended with infractl on Ctrl-C or SIGTERM, and within the time the budget has left.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import NamedTuple

from infractl.process import tools

EXIT_STATUS = "(exit status)"  # the one outcome of a command that is not pytest
PROBE = "_infractl_verify_probe"
# A pytest plugin loaded into CMD's pytest: at the end of the session it lists the files of the modules
# the suite imported from the user's own tree (INFRACTL_VERIFY_ORIGINAL). A suite that imports the project
# from there (an editable install, an absolute path in PYTHONPATH) never sees the copy's rewrites, and
# every trial would "pass": that must stop the run, not verify it.
PROBE_PLUGIN = """
import os, sys

def pytest_sessionfinish(session, exitstatus):
    root = os.path.realpath(os.environ["INFRACTL_VERIFY_ORIGINAL"]) + os.sep
    found = set()
    for module in list(sys.modules.values()):
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and os.path.realpath(path).startswith(root):
            found.add(os.path.realpath(path))
    with open(os.environ["INFRACTL_VERIFY_PROBE"], "w") as out:
        out.write("\\n".join(sorted(found)))
"""


class SuiteError(Exception):
    """CMD could not be run at all, or did not finish in time: nothing can be decided from it."""


class Outcomes(NamedTuple):
    tests: dict  # test id -> "passed" | "failed" | "error" | "skipped" (or EXIT_STATUS -> "0"/"1"...)
    status: int  # CMD's exit status
    output: str  # the end of what it printed, for a report
    imported_from_original: tuple[str, ...] = ()  # module files the suite imported from the user's tree

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


def run_suite(command: str, cwd: Path, timeout: float, original: Path | None = None) -> Outcomes:
    """Run CMD in ``cwd``; each test's outcome (pytest) or the exit status. ``original``: the user's tree,
    which a pytest CMD's suite must not import from (``Outcomes.imported_from_original``)."""
    assigned, argv = command_argv(command)
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **assigned}  # no __pycache__ left in the copy's tree
    with tempfile.TemporaryDirectory(prefix="infractl-verify-") as scratch:
        report = Path(scratch) / "junit.xml"
        probe = Path(scratch) / "imported.txt"
        pytest = is_pytest(argv)
        if pytest:
            # xunit1: each testcase carries its file, so a test is named as pytest names it (read_junit)
            argv = [*argv, f"--junitxml={report}", "-o", "junit_family=xunit1", "-p", "no:cacheprovider"]
            if original is not None:
                (Path(scratch) / f"{PROBE}.py").write_text(PROBE_PLUGIN)
                env["PYTHONPATH"] = os.pathsep.join(filter(None, [env.get("PYTHONPATH"), scratch]))
                env |= {"INFRACTL_VERIFY_ORIGINAL": str(original), "INFRACTL_VERIFY_PROBE": str(probe)}
                argv += ["-p", PROBE]
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
        imported = tuple(probe.read_text().split("\n")) if probe.is_file() and probe.read_text() else ()
        return Outcomes(read_junit(report), done.returncode, output, imported)


def read_junit(report: Path) -> dict:
    """``{classname::name: outcome}`` from a JUnit XML report (pytest's form)."""
    from xml.etree import ElementTree

    try:
        tree = ElementTree.parse(report)
    except ElementTree.ParseError as exc:
        raise SuiteError(f"--verify: pytest's junit report cannot be read ({exc})") from None
    outcomes: dict = {}
    for case in tree.iter("testcase"):
        test = node_id(case.get("file"), case.get("classname", ""), case.get("name", ""))
        tags = {child.tag for child in case}
        outcome = ("error" if "error" in tags else "failed" if "failure" in tags
                   else "skipped" if "skipped" in tags else "passed")
        if test in outcomes and outcomes[test] != "passed":
            continue  # a teardown error is a second entry of the same test: keep the worse one
        outcomes[test] = outcome
    return outcomes


def node_id(file: str | None, classname: str, name: str) -> str:
    """pytest's own id of a junit testcase (``tests/test_x.py::TestY::test_z``, what a user can paste
    after ``pytest``), from xunit1's ``file``; ``classname::name`` when the file does not give the module."""
    module = (file or "").removesuffix(".py").replace("/", ".")
    if not file or not file.endswith(".py") or not (classname == module or classname.startswith(module + ".")):
        return f"{classname}::{name}"
    classes = [part for part in classname[len(module):].split(".") if part]
    return "::".join([file, *classes, name])


def compare(baseline: Outcomes, flaky: frozenset, now: Outcomes) -> tuple[str, ...]:
    """The tests whose outcome differs from the baseline (flaky ones never count); a test that appears
    or disappears counts too."""
    tests = set(baseline.tests) | set(now.tests)
    return tuple(sorted(t for t in tests - flaky if baseline.tests.get(t) != now.tests.get(t)))


def flaky_tests(first: Outcomes, second: Outcomes) -> frozenset:
    """Tests whose outcome differed between two runs of the same tree: they never decide anything."""
    return frozenset(t for t in set(first.tests) | set(second.tests) if first.tests.get(t) != second.tests.get(t))
