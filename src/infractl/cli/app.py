"""The ``infractl`` application: the Typer app, the options every command shares, and how a run ends.

The commands themselves are declared in ``code.py``, ``infra.py`` and ``deploy.py`` (wiring only: each
imports its capability lazily); ``infractl/cli/__init__.py`` registers them in the order ``--help`` lists.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from enum import Enum
from pathlib import Path
from typing import Annotated, NamedTuple, NoReturn

import typer

from infractl import __version__
from infractl.errors import EXIT_ERROR, EXIT_OK, InfractlError

app = typer.Typer(
    name="infractl",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,  # rich tracebacks print locals, and locals can hold secrets
    rich_markup_mode=None,  # click's plain help wraps cleanly at 80 columns; rich boxes cut option help
    context_settings={"help_option_names": ["-h", "--help"]},
)


class OutputFormat(str, Enum):
    table = "table"
    json = "json"
    sarif = "sarif"
    github = "github"


JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document (same as --format json).")]
FormatOpt = Annotated[
    OutputFormat,
    typer.Option("--format", help="Output: rich table, JSON, SARIF 2.1.0 or GitHub annotations."),
]
StrictOpt = Annotated[bool, typer.Option("--strict", help="Warnings fail the run too (exit 1).")]
SelectOpt = Annotated[
    list[str] | None,
    typer.Option("--select", help="Report only these rules (ids or prefixes, comma-separated; repeatable)."),
]
IgnoreOpt = Annotated[
    list[str] | None,
    typer.Option("--ignore", help="Do not report these rules (ids or prefixes, comma-separated; repeatable)."),
]
ConfigOpt = Annotated[
    Path | None,
    typer.Option("--config", help="Read this pyproject.toml / infractl.toml instead of the nearest one.",
                 dir_okay=False),
]

# --fix and its companions, on every command whose rules have automatic fixes (fixing/outcome.py).
FixOpt = Annotated[bool, typer.Option("--fix", help="Apply the safe automatic fixes, then report what remains.")]
UnsafeFixesOpt = Annotated[
    bool, typer.Option("--unsafe-fixes", help="With --fix: apply the unsafe fixes too (they change behaviour on "
                       "purpose; 'infractl rule ID' says which are).")
]
FixDiffOpt = Annotated[
    bool, typer.Option("--diff", help="With --fix: print the fixes as a unified diff and write nothing (exit 1 "
                       "if anything would change).")
]


def output_format(json_flag: bool, fmt: OutputFormat) -> str:
    return "json" if json_flag else fmt.value


class ReportFlags(NamedTuple):
    """What a reporting command's shared options say: the output format (``--json`` is ``--format json``),
    ``--strict``, ``--select``, ``--ignore`` and ``--config``."""

    fmt: str
    strict: bool
    select: list[str] | None
    ignore: list[str] | None
    config: Path | None


_REPORT_OPTIONS = (("json_flag", JsonOpt, False), ("fmt", FormatOpt, OutputFormat.table), ("strict", StrictOpt, False),
                   ("select", SelectOpt, None), ("ignore", IgnoreOpt, None), ("config", ConfigOpt, None))


def reporting(command: Callable) -> Callable:
    """A command that reports findings. Typer sees the shared options (declared once, above) as its last
    parameters; the command gets them as one ``flags: ReportFlags`` argument."""
    import functools
    import inspect

    own = [p for p in inspect.signature(command, eval_str=True).parameters.values() if p.name != "flags"]
    shared = [inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=default, annotation=option)
              for name, option, default in _REPORT_OPTIONS]

    @functools.wraps(command)
    def with_flags(**values):
        json_flag, fmt = values.pop("json_flag"), values.pop("fmt")
        flags = ReportFlags(output_format(json_flag, fmt), values.pop("strict"), values.pop("select"),
                            values.pop("ignore"), values.pop("config"))
        return command(**values, flags=flags)

    with_flags.__signature__ = inspect.Signature([*own, *shared])  # what Typer reads (inspect.signature)
    with_flags.__annotations__ = {p.name: p.annotation for p in [*own, *shared]}  # and get_type_hints
    return with_flags


def run_guarded(action: Callable[[], int]) -> None:
    """Run a command body (``guard.guarded``: errors are one masked line) and exit with its code."""
    raise typer.Exit(_guarded(action))


def _guarded(action: Callable[[], int]) -> int:
    """``guard.guarded``, with click's Abort (Ctrl-C or end of input at a prompt) counted as Ctrl-C."""
    from infractl.process.guard import guarded

    def body() -> int:
        try:
            return action()
        except typer.Abort:
            raise KeyboardInterrupt from None

    return guarded(body)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"infractl {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool | None,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = None,
) -> None:
    """Harden a Python service repository and its staging infrastructure.

    Exit codes: 0 clean, 1 findings or a failed check, 2 usage, configuration or environment error,
    130 interrupted. 'infractl rules' lists every rule; 'infractl rule ID' explains one.
    """


def main(args: Sequence[str] | None = None) -> NoReturn:
    """Run the whole CLI and exit: ``python -m infractl`` and any launcher (the console script is entry.py)."""
    sys.exit(run(list(sys.argv[1:] if args is None else args)))


def run(args: list[str], scanner=None) -> int:
    """Parse ``args`` (the only parser) and run the command: its exit code. ``scanner``: entry.py's head
    start, which ``check`` and ``fix-datetime`` use (``ctx.obj``).

    Typer runs with standalone_mode=False so that click's usage errors come back here instead of being
    printed as a usage block: each becomes one line through guard.guarded, like every other error
    (``error: No such option: --selct ... (see 'infractl check --help')``), exit 2. With
    standalone_mode=False click returns the exit code a command raised (typer.Exit) instead of exiting.
    """
    argv = optional_dry_run_value(args)
    return _guarded(lambda: _invoke(argv, scanner))


def _invoke(args: list[str], scanner) -> int:
    from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError

    try:
        outcome = _command_tree(args)(args=args, prog_name="infractl", standalone_mode=False, obj=scanner)
    except NoArgsIsHelpError as exc:
        # bare `infractl` / `infractl wiremock`: the group's help on stderr and exit 2, as click 8.2+
        # does (no command ran, so a script that forgot its arguments must not pass)
        exc.show()
        return EXIT_ERROR
    except UsageError as exc:
        raise InfractlError(_usage_line(exc, args)) from None
    except ClickException as exc:  # e.g. a file option that cannot be opened: an input error too
        raise InfractlError(" ".join(exc.format_message().splitlines())) from None
    sys.stdout.flush()  # output still buffered (json, sarif) meets a closed pipe here, inside the guard
    return outcome if isinstance(outcome, int) else EXIT_OK


def _command_tree(args: list[str]):
    """The click tree that parses ``args``: the root group with only the command ``args[0]`` names, when it
    names one, else with every command. Typer turns each command's signature into click parameters on
    every run (~15 ms for all of them, a quarter of a clean ``check``); the others cannot be reached from
    these arguments. (``infractl --help`` and a misspelled command get the whole tree and its hints.)"""
    import copy

    from typer.main import get_command, get_command_name

    def named(value) -> str | None:
        value = getattr(value, "value", value)  # Typer's DefaultPlaceholder when left unset
        return value if isinstance(value, str) else None

    wanted = args[0] if args else None
    commands = [info for info in app.registered_commands
                if (named(info.name) or get_command_name(info.callback.__name__)) == wanted]
    groups = [info for info in app.registered_groups
              if (named(info.name) or named(info.typer_instance.info.name)) == wanted]
    if len(commands) + len(groups) != 1:
        return get_command(app)
    pruned = copy.copy(app)
    pruned.registered_commands, pruned.registered_groups = commands, groups
    return get_command(pruned)


def _usage_line(exc, args: list[str]) -> str:
    """click's message (with its "Did you mean" hint) and where the help is, on one line."""
    message = " ".join(line.strip() for line in exc.format_message().splitlines() if line.strip())
    ctx = exc.ctx
    if ctx is None:  # click's parser raises "Option '--tag' requires an argument." without one
        return f"{message} (see '{_command_path(args)} --help')"
    if ctx.command.get_help_option(ctx) is not None:
        option = "--help" if "--help" in ctx.help_option_names else ctx.help_option_names[0]
        message += f" (see '{ctx.command_path} {option}')"
    return message


def _command_path(args: list[str]) -> str:
    """The command the arguments name: 'infractl wiremock up' for ``wiremock up --port``."""
    from typer.main import get_command

    command, path = get_command(app), ["infractl"]
    for arg in args:
        sub = getattr(command, "commands", {}).get(arg)
        if sub is not None:
            command, path = sub, [*path, arg]
        elif not arg.startswith("-"):  # groups take only flags (-h, --version): the first word is the command
            break
    return " ".join(path)


def optional_dry_run_value(args: list[str]) -> list[str]:
    """``deploy --dry-run`` alone means ``--dry-run=client`` (typer has no options with optional values)."""
    if "deploy" not in args:
        return args
    out = list(args)
    for index, arg in enumerate(out):
        if arg == "--dry-run" and (index + 1 == len(out) or out[index + 1] not in ("client", "server")):
            out[index] = "--dry-run=client"
    return out

