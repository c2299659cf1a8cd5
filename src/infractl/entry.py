"""The ``infractl`` console script: a head start for the commands that scan every Python file, then the CLI.

``infractl check`` and ``infractl fix-datetime`` spend most of a run walking the tree and reading every
Python file for the few worth parsing. Importing Typer and building its click tree costs this process
~50-65 ms before any of that could begin. So, before that import, a *guess* made from the raw argument
list (which directory, which config file) starts the walk and scan on the second core
(``Scanner.start_early``); then the one parser, Typer's, parses the arguments and the command runs with
that scanner (handed down as click's context object, ``ctx.obj``).

``lint-ci`` and ``check`` then wait on external tools (actionlint, zizmor, promtool) that start only once
their command runs; the same guess starts them first thing too (prestart.py), and the run adopts a
process only when it would have started exactly that command line.

The guess decides nothing. The scanner uses the child's answer only for the very walk the parsed command
makes (same paths, excludes, project root, and the same file list: ``TwoEnds.meet``), and otherwise scans
the files itself. A wrong guess costs the second core some work and changes no output:
tests/check/test_entry.py runs each argument list with and without the head start and requires the same
output and exit code.
"""

from __future__ import annotations

import os
import sys

SCANNING = ("check", "fix-datetime")
RUNNING_TOOLS = ("check", "lint-ci")  # whose external tools the head start begins (prestart.py)
_NO_GUESS = ("-h", "--help", "-j", "--jobs")  # help scans nothing; -j 1 promises one process


def _guessing(args: list[str], commands: tuple[str, ...]) -> bool:
    if args[:1] not in ([name] for name in commands) or any(arg.split("=")[0] in _NO_GUESS for arg in args):
        return False
    return not os.environ.get("INFRACTL_NO_HEAD_START")  # the tests' way to compare runs with and without it


def head_start(args: list[str]):
    """A ``Scanner`` already scanning what ``args`` most likely name, or None (not a scanning command, or
    nothing to guess from)."""
    if not _guessing(args, SCANNING):
        return None
    from infractl.discover.scanner import Scanner

    scanner = Scanner(keep_bytes=0) if args[0] == "fix-datetime" else Scanner()
    scanner.start_early(*guess(args[1:]))
    if args[0] == "fix-datetime" and "--check" not in args:
        # its second core too, whose imports (black's for the new text) then overlap Typer's (secondcore.py);
        # after the scanner's child: forked first, it cost a run on a tree without hits ~50 ms (Django 5.1)
        from infractl.fix_datetime.secondcore import SecondCore

        scanner.second_core = SecondCore()
        scanner.second_core.start()
    return scanner


def start_tools(args: list[str], scanner) -> None:
    """Start the external tools that ``args`` most likely run (prestart.py), for the run to adopt."""
    if _guessing(args, RUNNING_TOOLS):
        from infractl.process import prestart

        path, config = guess(args[1:], file_too=args[0] == "lint-ci")
        prestart.for_command(args[0], path, config, scanner)


def guess(args: list[str], file_too: bool = False) -> tuple[str, str | None]:
    """The directory (``file_too``: or file) and config file ``args`` probably name: the last argument
    when it is one (paths come last by convention, and a flag's value is rarely a directory), the value
    after ``--config``. Not a parse: Typer parses, and a wrong guess only wastes the second core's work."""
    last = args[-1] if args and not args[-1].startswith("-") else None
    path = last if last is not None and (os.path.isdir(last) or file_too and os.path.isfile(last)) else "."
    config = None
    for index, arg in enumerate(args):
        if arg == "--config" and index + 1 < len(args):
            config = args[index + 1]
        elif arg.startswith("--config="):
            config = arg.partition("=")[2]
    if config is not None and not os.path.isfile(config):
        config = None  # the CLI will say what is wrong with it; the child must not try to read it
    return path, config


# check and lint-ci allocate ~40-60k objects (modules, parsed YAML) and free little: at the default gen0
# threshold (700) the cyclic collector ran 44-66 times a run for 9-17 ms of CPU and found next to nothing.
# Here it runs after every 50,000 net allocations, so cyclic garbage is still collected, in larger steps.
GC_THRESHOLD = 50_000


def main() -> None:
    args = sys.argv[1:]
    scanner = None
    if args[:1] in (["check"], ["lint-ci"], ["fix-datetime"]):
        import gc

        gc.set_threshold(GC_THRESHOLD, *gc.get_threshold()[1:])
    try:
        scanner = head_start(args)  # first: the forked child must not inherit the tools' pipes
        start_tools(args, scanner)
        from infractl.cli.app import run

        code = run(args, scanner)
    except KeyboardInterrupt:  # while the modules are still being imported: no traceback either
        code = _interrupted()
    except Exception as exc:
        from infractl.process.guard import interrupt_behind

        if interrupt_behind(exc) is None:
            raise
        # CPython 3.11 raises "RuntimeError: Error calling __set_name__" for a Ctrl-C that lands while an
        # imported module defines a class with such a descriptor (seen: ipaddress.py, ~17 ms into a run)
        code = _interrupted()
    finally:
        if scanner is not None:
            scanner.close()
        prestart = sys.modules.get("infractl.process.prestart")
        if prestart is not None:  # what the head start began and the run did not adopt
            prestart.close()
            # and one a Ctrl-C met between its start and prestart's record of it (tools.start)
            sys.modules["infractl.process.tools"].stop_all()
    if (scanner is not None and args[:1] == ["check"]) or args[:1] in (["lint-ci"], ["fix-datetime"]):
        for stream in (sys.stdout, sys.stderr):  # stdout was flushed inside the guard (cli.app._invoke) unless
            try:  # the command ended in an error line; what is still buffered must not be lost with the teardown
                stream.flush()
            except (OSError, ValueError):  # a closed pipe: the guard has said so already
                pass
        # Done, everything written and no child left: skip the interpreter's teardown of every module
        # (~5-10 ms, a tenth of the run; 15-28 ms after lint-ci, measured: the tail after zizmor answers;
        # ~35 ms after fix-datetime on a tree with hits, whose syntax trees are freed one node at a time).
        # None registers exit work: --fix has written (fsio) and removed its copy before run returns, and
        # fix-datetime's pool, second core and --verify copy are ended before it returns too.
        os._exit(code)
    sys.exit(code)


def _interrupted() -> int:
    from infractl.errors import EXIT_INTERRUPTED
    from infractl.process.guard import error_line

    error_line("interrupted")
    return EXIT_INTERRUPTED


if __name__ == "__main__":  # pragma: no cover
    main()
