"""``infractl check``: every area in one report (check/command.py), and its fix stage (fixing/)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from infractl.cli.app import FixDiffOpt, FixOpt, ReportFlags, UnsafeFixesOpt, app, reporting, run_guarded


@app.command("check", short_help="Run every static check in one report.")
@reporting
def check(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="The repository (default: .).")] = Path("."),
    fix: FixOpt = False,
    unsafe_fixes: UnsafeFixesOpt = False,
    diff: FixDiffOpt = False,
    *,
    flags: ReportFlags,
) -> None:
    """Run every static check that applies to the repository: one report, one exit code.

    \b
    Examples:
      infractl check
      infractl check --format sarif > infractl.sarif
      infractl check --format github --ignore DB005
      infractl check --fix --diff

    Each area finds its inputs from configuration or the conventional paths and changes nothing:
    CI workflows and test skips, Alembic migrations, Prometheus rules and Grafana dashboards.
    --fix applies the fixes rules declare safe (--unsafe-fixes: the unsafe ones too; --diff: show
    them, write nothing), checks again, and reports what remains.
    Exit codes: 0 clean, 1 error findings (warnings too with --strict) remain, or --diff would
    change something, 2 bad input.
    """

    def action() -> int:
        from infractl.check.command import run
        from infractl.fixing import fix_options

        return run(path, flags.fmt, flags.strict, flags.select, flags.ignore, flags.config, ctx.obj,
                   fix_options(fix, unsafe_fixes, diff))

    run_guarded(action)
