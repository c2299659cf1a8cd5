"""Where ``fix-datetime --verify`` meets the normal run: ``command.run`` asks ``verified_plan`` for the
verdicts, then runs the rewrite once more on the user's tree with them (or writes nothing)."""

from __future__ import annotations

import os
from pathlib import Path

from infractl.errors import InfractlError
from infractl.fix_datetime.verify.driver import Verified, verify
from infractl.fix_datetime.verify.search import Budget


def verified_plan(paths: list[Path], command: str, budget_text: str | None, mode: str | None,
                  collect_options: dict) -> Verified:
    """Run the suite as ``driver.verify`` says; ``collect_options``: ``command.collect``'s keyword arguments
    for this run (mode, excludes, config...), used for every dry run of the rewrite."""
    from infractl.fix_datetime.command import collect

    if mode not in (None, "auto"):
        raise InfractlError(f"--verify decides what auto mode keeps naive; it cannot be combined with --mode {mode}")
    try:
        budget = Budget.parse(budget_text) if budget_text else Budget()
    except ValueError as exc:
        raise InfractlError(str(exc)) from None

    def rewrite(tree: Path, below: list[Path], verdicts: dict | None) -> list:
        by_path = by_real_path(verdicts, tree) if verdicts is not None else None
        options = {**collect_options, "config_path": _inside(tree, collect_options.get("config_path"))}
        return collect(below, check=True, verdicts=by_path, **options).results

    return verify(Path.cwd(), paths, command, budget, rewrite)


def _inside(tree: Path, config_path) -> Path | None:
    """The config file as the copy has it (a path below the project), else as given."""
    if config_path is None:
        return None
    try:
        return tree / Path(config_path).resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return Path(config_path)


def by_real_path(verdicts: dict, tree: Path | None = None) -> dict:
    """Verdicts keyed by path relative to ``tree`` (the private copy, or the current directory for the
    final run), keyed as ``collect`` looks them up: each file's real path."""
    tree = tree or Path.cwd()
    return {os.path.realpath(tree / relative): chosen for relative, chosen in verdicts.items()}


def summarise(report, verified: Verified) -> None:
    """What --verify did, in the report's headline and its JSON ``summary``."""
    counts = {"aware": 0, "naive": 0, "undecided": 0}
    for chosen in verified.verdicts.values():
        for status, _ in chosen.values():
            counts[status] += 1
    report.summary["verify"] = {"runs": verified.runs, "groups_aware": counts["aware"],
                                "groups_kept_naive": counts["naive"], "groups_undecided": counts["undecided"],
                                "written": verified.write}
    report.headline += (f"; --verify: {verified.runs} runs, {counts['aware']} groups made aware, "
                        f"{counts['naive']} kept naive by a test, {counts['undecided']} undecided")
