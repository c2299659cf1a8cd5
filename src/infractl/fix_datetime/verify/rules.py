"""``fix-datetime --verify``'s rules (DT020-DT024): what the project's own suite said, one object each,
beside the driver that reports them. A group the suite needs naive keeps DT012 (kept naive), with the
tests that changed named in it. Light: imports nothing but findings and rulebook."""

from __future__ import annotations

from infractl.findings import Severity
from infractl.rulebook import Rule

COMMAND = "fix-datetime"
_ABOUT_RUNS = ("about runs of the project's test command, not a file's source: tests/fix_datetime/"
               "test_verify_driver.py provokes each with real pytest suites")


def _rule(id, name, severity, summary, rationale, fix):
    return Rule(id=id, name=name, severity=severity, command=COMMAND, summary=summary, rationale=rationale,
                fix=fix, no_cases=_ABOUT_RUNS)


VERIFIED_AWARE = _rule(
    "DT020", "verified-aware", Severity.INFO,
    "made aware: the project's tests give the same outcomes",
    "Auto mode keeps a value naive when static analysis cannot follow it (it leaves the module, or its "
    "awareness is unknown). With --verify, the project's own test command ran with the value aware and "
    "every test's outcome stayed as it was (flaky tests, those that differ between two runs of the "
    "unchanged tree, never decide), so it became aware.",
    "nothing to do; review the diff as usual")

BASELINE_FAILS = _rule(
    "DT021", "verify-baseline-fails", Severity.WARNING,
    "the test command fails before any rewrite",
    "--verify compares each test's outcome with the outcome on the unchanged tree, so a failing test "
    "still verifies (it must keep failing the same way), but a suite that mostly fails proves little. "
    "The failing tests are named so that they are not mistaken for something the rewrite did.",
    "fix the failing tests, or narrow the command to a suite that passes")

UNDECIDED = _rule(
    "DT022", "verify-undecided", Severity.INFO,
    "not decided within --verify-budget: left as auto mode left it (naive)",
    "Each decision costs a run of the test command; when the budget's runs or time end first, the "
    "groups not yet tried keep the behaviour-preserving naive form.",
    "run again with a larger --verify-budget (runs,time: e.g. 60,30m)")

DEFAULT_CHANGES_OUTCOMES = _rule(
    "DT023", "default-rewrite-changes-tests", Severity.ERROR,
    "the default rewrite itself changes test outcomes: nothing was written",
    "Auto mode's rewrite is meant to keep every value as it was; when the project's tests say otherwise, "
    "a stub or fake the analysis did not understand is at work. --verify fails closed: no file is "
    "written, and the tests that changed are named.",
    "report this as an infractl bug with the named test, and add '# noqa: DT010' on the site meanwhile")

VERIFY_CANNOT_RUN = _rule(
    "DT024", "verify-cannot-run", Severity.ERROR,
    "the test command could not be run or did not finish: nothing was decided, nothing written",
    "Without outcomes there is nothing to compare; --verify fails closed and writes nothing.",
    "run the command by hand in the project directory; give --verify a command that works there")

RULES = (VERIFIED_AWARE, BASELINE_FAILS, UNDECIDED, DEFAULT_CHANGES_OUTCOMES, VERIFY_CANNOT_RUN)
