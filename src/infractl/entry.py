"""The ``infractl`` console script: a plain ``infractl check`` skips Typer, everything else is the full CLI.

``infractl check`` runs on every push in CI and on every commit in pre-commit. Importing Typer and
building its click tree costs ~65 ms, which is more than ruff's whole run on a 3,000-file repository.
So a ``check`` invocation made only of the arguments understood here (a path, ``--json``, ``--format``,
``--strict``, ``--select``, ``--ignore``, ``--config``, each well-formed) is run directly. Anything
else (``--help``, an unknown or misspelled flag, a missing or odd value, ``--``, a second path) goes
to ``cli.main()``, which owns help and usage errors. tests/check/test_entry.py runs both roads on the
same argument lists and requires the same output and exit code.
"""

from __future__ import annotations

import os
import sys
from types import SimpleNamespace

FORMATS = ("table", "json", "sarif", "github")  # cli.OutputFormat
_FLAGS = ("--json", "--strict")
_VALUED = ("--format", "--select", "--ignore", "--config")


def check_defaults() -> SimpleNamespace:
    """What a bare ``infractl check`` means. Plain values, no dataclass or Path: this module runs before
    the head start's fork, and everything imported here delays it (dataclasses alone: ~10 ms)."""
    return SimpleNamespace(path=".", fmt="table", json=False, strict=False, select=[], ignore=[], config=None)


def check_args(args: list[str]) -> SimpleNamespace | None:
    """``infractl check``'s arguments (after the command name), or None when click must judge them."""
    parsed = check_defaults()
    paths: list[str] = []
    index = 0
    while index < len(args):
        arg = args[index]
        index += 1
        if not arg.startswith("-"):
            paths.append(arg)
            continue
        name, equals, value = arg.partition("=")
        if name in _FLAGS and not equals:
            setattr(parsed, name[2:], True)
            continue
        if name not in _VALUED:
            return None  # help, a typo, "-", "--": click's message
        if not equals:
            if index == len(args):
                return None  # a flag without its value
            value = args[index]
            index += 1
        if not value or value.startswith("-"):
            return None  # click would take it as the value, or complain: either way, its call
        if name == "--format":
            if value not in FORMATS:
                return None
            parsed.fmt = value
        elif name == "--config":
            if os.path.isdir(value):
                return None  # click's "is a directory" usage error
            parsed.config = value
        else:
            getattr(parsed, name[2:]).append(value)
    if len(paths) > 1:
        return None
    if paths:
        parsed.path = paths[0]
    return parsed


def run_check(parsed: SimpleNamespace) -> int:
    from infractl.scanner import Scanner

    # the datetime area's walk and scan, on the second core while this process imports the rest
    scanner = Scanner()
    scanner.start_early(parsed.path, parsed.config)
    try:
        from pathlib import Path

        from infractl.check.command import run
        from infractl.guard import guarded

        def action() -> int:
            code = run(Path(parsed.path), "json" if parsed.json else parsed.fmt, parsed.strict,
                       parsed.select or None, parsed.ignore or None, Path(parsed.config) if parsed.config else None,
                       scanner)
            sys.stdout.flush()  # output still buffered meets a closed pipe here, inside the guard (as cli does)
            return code

        return guarded(action)
    finally:
        scanner.close()


def main() -> None:
    args = sys.argv[1:]
    try:
        parsed = check_args(args[1:]) if args[:1] == ["check"] else None
        if parsed is None:
            from infractl.cli import main as full_cli

            full_cli()
            return
        code = run_check(parsed)
        sys.stderr.flush()
        # Done, everything written and no child left: skip the interpreter's teardown of every module
        # (~5-10 ms, a tenth of the run). Nothing of check's needs it: no files written, no atexit work.
        os._exit(code)
    except KeyboardInterrupt:  # while the modules are still being imported: no traceback either
        from infractl.errors import EXIT_INTERRUPTED
        from infractl.guard import error_line

        error_line("interrupted")
        code = EXIT_INTERRUPTED
    sys.exit(code)


if __name__ == "__main__":  # pragma: no cover
    main()
