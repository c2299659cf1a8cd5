"""``fix-datetime --verify CMD``: the whole decision, from the first dry run to the verdicts.

1. In a private copy (``Workspace``), CMD runs twice on the unchanged tree: the baseline, and the tests
   whose outcome differs between the two runs (flaky: they never decide).
2. The default rewrite, written into the copy, says which groups auto keeps naive only because it cannot
   follow the value (``open_groups``: no proven naive partner) and which sites a clock stub holds; CMD
   runs on it: if that alone changes an outcome, nothing is written (DT023).
3. ``search.decide`` tries the open groups aware, bisecting down to the groups that change an outcome.
4. The verdicts go back to the caller, who runs the normal rewrite once more on the user's tree with them
   (``collect(..., verdicts=...)``): written through the safe writer, or shown with --check/--diff.
Every run of CMD spends the ``Budget``; what it cannot pay for stays as auto left it (DT022).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from infractl.errors import InfractlError
from infractl.findings import Finding
from infractl.fix_datetime.verify.rules import BASELINE_FAILS, DEFAULT_CHANGES_OUTCOMES, VERIFY_CANNOT_RUN
from infractl.fix_datetime.verify.search import Budget, OutOfBudget, Trial, decide
from infractl.fix_datetime.verify.suite import SuiteError, compare, flaky_tests, run_suite
from infractl.fix_datetime.verify.workspace import Workspace

# A group: (path relative to the project root, line, column of its first site in the unchanged file), or
# (path, line, column, "held"): one site a clock stub holds, tried rewritten as if no stub held it
Group = tuple


class Verified(NamedTuple):
    """What --verify decided: ``verdicts`` for the final rewrite (path -> {(line, column): verdict}, a
    verdict being ("aware", why), ("naive", tests that changed) or ("undecided", "")), ``findings`` about
    the runs themselves (DT021, DT023, DT024), ``write``: False when the run must write nothing, and how
    many times CMD ran."""

    verdicts: dict
    findings: list
    write: bool
    runs: int


def verify(root: Path, paths: list[Path], command: str, budget: Budget,
           rewrite: Callable[[Path, list[Path], dict | None], list]) -> Verified:
    """``rewrite(tree, paths, verdicts)``: the normal fix-datetime run over ``paths`` (below ``tree``) as a
    dry run, with those verdicts (None: auto's own choices; keys are paths relative to ``tree``); it
    returns the FileResults (``new_data``, ``open_groups``). The driver writes them into its copy."""
    root = root.resolve()
    relative = [_below(root, path) for path in paths]
    said = f"'{command}'"
    with Workspace(root) as copy:
        inside = [copy.root / part for part in relative]
        runs = 0

        def run(tree_note: str):
            nonlocal runs
            budget.spend()
            runs += 1
            try:
                done = run_suite(command, copy.root, budget.left(), original=root)
            except SuiteError as exc:
                raise _Stop(VERIFY_CANNOT_RUN.finding(".", None, None, f"{exc} ({tree_note})",
                                                      VERIFY_CANNOT_RUN.fix)) from None
            strays = _outside_the_copy(done.imported_from_original, root, copy.linked)
            if strays:
                raise _Stop(VERIFY_CANNOT_RUN.finding(".", None, None, (
                    f"--verify: {said} imports {_names(strays)} from the project itself, not from the private "
                    "copy it runs in (an editable install, or an absolute path in PYTHONPATH?), so it cannot "
                    f"see a rewrite ({tree_note})"), VERIFY_CANNOT_RUN.fix)) from None
            return done

        try:
            first = run("the unchanged tree")
            flaky = flaky_tests(first, run("the unchanged tree, again"))
            findings: list[Finding] = []
            failing = [test for test in first.failing() if test not in flaky]
            if failing:
                findings.append(BASELINE_FAILS.finding(".", None, None, f"{said} fails before any rewrite: "
                                                       f"{_names(failing)}", BASELINE_FAILS.fix))
            groups = _open_groups(_write_into(copy, rewrite(copy.root, inside, None)), copy.root)
            changed = compare(first, flaky, run("the default rewrite"))
            if changed:
                message = f"{said}: {_names(changed)} changed with the default rewrite"
                return Verified({}, [*findings, DEFAULT_CHANGES_OUTCOMES.finding(
                    ".", None, None, message, DEFAULT_CHANGES_OUTCOMES.fix)], False, runs)

            def trial(aware: frozenset) -> Trial:
                copy.restore()
                _write_into(copy, rewrite(copy.root, inside, _verdicts({group: ("aware", "") for group in aware})))
                changed = compare(first, flaky, run("a trial rewrite"))
                return Trial(not changed, changed)

            decision = decide(groups, trial)
        except OutOfBudget:
            return Verified({}, [VERIFY_CANNOT_RUN.finding(".", None, None, f"--verify-budget ran out before "
                                                           f"{said} had run on the unchanged and the default "
                                                           "trees: nothing decided", VERIFY_CANNOT_RUN.fix)],
                            False, runs)
        except _Stop as stop:
            return Verified({}, [stop.finding], False, runs)
    why = f"{said} gives the same outcomes" + (f" ({len(flaky)} flaky tests ignored)" if flaky else "")
    verdicts = {group: ("aware", why) for group in decision.aware}
    verdicts |= {group: ("naive", _names(tests)) for group, tests in decision.culprits.items()}
    verdicts |= {group: ("undecided", "") for group in decision.undecided}
    return Verified(_verdicts(verdicts), findings, True, runs)


class _Stop(Exception):
    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.message)
        self.finding = finding


def _write_into(copy: Workspace, results: list) -> list:
    """A trial's rewrite, written into the private copy (its original bytes remembered first)."""
    changed = [result for result in results if result.new_data is not None]
    copy.remember(Path(result.path) for result in changed)
    for result in changed:
        Path(result.path).write_bytes(result.new_data)
    return results


def _outside_the_copy(imported: tuple[str, ...], root: Path, linked: list[Path]) -> list[str]:
    """The project's own files the suite imported from the user's tree (a linked virtualenv's are fine)."""
    venvs = [venv.resolve() for venv in linked]
    return [Path(path).relative_to(root).as_posix() for path in imported
            if Path(path).is_relative_to(root) and not any(Path(path).is_relative_to(venv) for venv in venvs)]


def _below(root: Path, path: Path) -> Path:
    try:
        return path.resolve().relative_to(root)
    except ValueError:
        raise InfractlError(f"--verify: {path} is outside the directory the command runs in ({root}); "
                            "run fix-datetime from the project's root") from None


def _open_groups(results: list, tree: Path) -> list[Group]:
    groups = []
    for result in results:
        relative = Path(result.path).resolve().relative_to(tree).as_posix()
        groups += [(relative, *key) for key in getattr(result, "open_groups", ())]
    return sorted(groups)


def _verdicts(by_group: dict) -> dict:
    """{(path, line, column): verdict} -> {path: {(line, column): verdict}}"""
    out: dict = {}
    for (path, *key), verdict in by_group.items():
        out.setdefault(path, {})[tuple(key)] = verdict
    return out


def _names(tests, most: int = 3) -> str:
    tests = list(tests)
    shown = ", ".join(tests[:most])
    return shown + (f" and {len(tests) - most} more" if len(tests) > most else "")

