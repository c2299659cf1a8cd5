"""Usage errors through the real entry point (``cli.main``): one line on stderr, exit 2, nothing on stdout.

click's standalone mode printed a usage block ("Usage: ... Try ... Error: ...") for a mistyped flag;
``cli.main`` runs typer with standalone_mode=False and turns each click error into one line. Every
command and group of the app is tried with every kind of mistake its parameters allow, found from the
click command itself, so a new command or option is covered without editing this file.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from support.cli_commands import every_command
from typer.main import get_command
from typer.testing import CliRunner

from infractl import __version__, cli

SCRIPT = Path(sys.executable).with_name("infractl")  # the console script pip generated


def click_command(path: list[str]):
    command = get_command(cli.app)
    for name in path:
        command = command.commands[name]
    return command


def mistakes(path: list[str], directory: str) -> list[tuple[list[str], str]]:
    """(arguments, what click's message says) for each kind of usage error ``path`` can get."""
    command = click_command(path)
    arguments = [p for p in command.params if p.param_type_name == "argument"]
    options = [p for p in command.params if p.param_type_name == "option" and not p.is_flag]
    flags = [p for p in command.params if p.param_type_name == "option" and p.is_flag and p.opts[0] != "--version"]
    # a value for each required argument, so that the mistake under test is the one click reports
    required = ["X" for p in arguments if p.required]
    cases = [([*path, "--no-such-flag", *required], "No such option: --no-such-flag")]
    if hasattr(command, "commands"):
        cases.append(([*path, "no-such-command"], "No such command 'no-such-command'"))
        return cases
    if required:
        cases.append((list(path), "Missing argument"))
    if all(p.nargs == 1 for p in arguments):
        cases.append(([*path, *["X"] * (len(arguments) + 1)], "Got unexpected extra argument"))
    for flag in flags[:1]:
        name = flag.opts[0]
        cases.append(([*path, *required, f"{name}=yes"], f"Option '{name}' does not take a value"))
    for option in options:
        name = option.opts[0]
        no_value = [*path, *required, name]
        if cli.optional_dry_run_value(no_value) == no_value:  # deploy's plain --dry-run means client
            cases.append((no_value, f"Option '{name}' requires an argument"))
        if hasattr(option.type, "choices"):  # `=`: the same reason
            cases.append(([*path, *required, f"{name}=bogus"], f"Invalid value for '{name}'"))
        elif option.type.name in ("int", "int range", "float", "float range"):
            cases.append(([*path, *required, name, "x"], f"Invalid value for '{name}'"))
        elif getattr(option.type, "dir_okay", True) is False:
            cases.append(([*path, *required, name, directory], f"Invalid value for '{name}'"))
    return cases


def run_main(capsys, args: list[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        cli.main(args)
    out, err = capsys.readouterr()
    return exited.value.code, out, err


@pytest.mark.parametrize("command", every_command(), ids=lambda c: " ".join(c) or "infractl")
def test_every_usage_error_is_one_line_exit_2(command, capsys, tmp_path):
    cases = mistakes(command, str(tmp_path))
    assert len(cases) >= 2
    help_pointer = f"(see '{' '.join(['infractl', *command])} --help')"
    for args, says in cases:
        code, out, err = run_main(capsys, args)
        assert code == 2, (args, err)
        assert out == "", args
        assert err.count("\n") == 1 and err.startswith("error: ") and err.endswith(f" {help_pointer}\n"), (args, err)
        assert says in err, (args, err)
        assert "Usage:" not in err and "Traceback" not in err, args


def test_the_suggestions_click_makes_are_kept(capsys):
    code, out, err = run_main(capsys, ["chek"])
    assert (code, out) == (2, "")
    assert err == "error: No such command 'chek'. Did you mean 'check'? (see 'infractl --help')\n"
    code, out, err = run_main(capsys, ["check", "--selct", "X"])
    assert (code, out) == (2, "")
    assert err.startswith("error: No such option: --selct (Possible options:") and "--select" in err


def test_fix_datetime_bad_mode_names_the_choices(capsys):
    code, out, err = run_main(capsys, ["fix-datetime", "--mode", "bogus"])
    assert (code, out) == (2, "")
    assert err == ("error: Invalid value for '--mode': 'bogus' is not one of 'auto', 'aware', 'naive'. "
                   "(see 'infractl fix-datetime --help')\n")


def test_a_password_in_a_misplaced_argument_is_masked(capsys):
    """`verify-db postgresql://...` (no --url): click echoes the extra argument, password and all."""
    code, out, err = run_main(capsys, ["verify-db", "postgresql://app:hunter2secret@db/app"])
    assert (code, out) == (2, "")
    assert "hunter2secret" not in err and "postgresql://app:***@db/app" in err


@pytest.mark.parametrize("command", every_command(), ids=lambda c: " ".join(c) or "infractl")
def test_help_through_main_is_click_s_own(command, capsys, monkeypatch):
    """--help (and -h) still print click's help on stdout, exit 0, byte for byte as standalone mode does."""
    monkeypatch.setattr("typer._click.formatting.FORCED_WIDTH", 80)  # what CliRunner sets
    standalone = CliRunner().invoke(cli.app, [*command, "--help"], prog_name="infractl")
    assert standalone.exit_code == 0
    for flag in ("--help", "-h"):
        code, out, err = run_main(capsys, [*command, flag])
        assert (code, out, err) == (0, standalone.stdout, "")


def test_version_through_main(capsys):
    assert run_main(capsys, ["--version"]) == (0, f"infractl {__version__}\n", "")


@pytest.mark.parametrize("group", [[], ["wiremock"], ["manifests"]], ids=lambda g: " ".join(g) or "infractl")
def test_a_group_without_a_command_prints_its_help_and_exits_2(group, capsys, monkeypatch):
    """As click 8.2+ does: the help on stderr (a script that forgot its arguments sees why) and exit 2,
    as no command ran; `--help` asked for is stdout and 0."""
    monkeypatch.setattr("typer._click.formatting.FORCED_WIDTH", 80)  # what CliRunner sets
    asked = CliRunner().invoke(cli.app, [*group, "--help"], prog_name="infractl")
    assert run_main(capsys, group) == (2, "", asked.stdout)


def test_every_exit_code_a_command_raises_reaches_the_process(capsys, tmp_path, monkeypatch):
    from infractl.rulebook import info as ruleinfo

    assert run_main(capsys, ["rule", "DT101"])[0] == 0
    (tmp_path / "a.py").write_text("import datetime\nx = datetime.datetime.utcnow()\n")
    assert run_main(capsys, ["fix-datetime", "--check", "-j", "1", str(tmp_path)])[0] == 1
    code, out, err = run_main(capsys, ["rule", "NOPE"])
    assert (code, out) == (2, "") and err.startswith("error: no rule 'NOPE'")

    def interrupted(*_args):
        raise KeyboardInterrupt

    monkeypatch.setattr(ruleinfo, "list_rules", interrupted)
    assert run_main(capsys, ["rules"]) == (130, "", "error: interrupted\n")

    def aborted(*_args):
        raise typer.Abort()  # what click raises for Ctrl-C (or end of input) at a prompt

    monkeypatch.setattr(ruleinfo, "list_rules", aborted)
    assert run_main(capsys, ["rules"]) == (130, "", "error: interrupted\n")


def test_a_broken_pipe_that_is_not_stdout_stays_an_error(capsys, monkeypatch):
    """Only stdout closed by its reader is silent: a socket's EPIPE (Docker, WireMock) is reported."""
    from infractl.rulebook import info as ruleinfo

    def socket_gone(*_args):
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(ruleinfo, "list_rules", socket_gone)
    code, out, err = run_main(capsys, ["rules"])
    assert (code, out) == (2, "") and err.startswith("error: internal error: BrokenPipeError")


def _run(command: list[str], stdout=subprocess.PIPE) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "80"}
    env.pop("INFRACTL_DEBUG", None)
    return subprocess.run(command, stdout=stdout, stderr=subprocess.PIPE, text=True, env=env, timeout=60,
                          check=False)


@pytest.mark.parametrize("launcher", [[str(SCRIPT)], [sys.executable, "-m", "infractl"]], ids=["script", "-m"])
def test_the_real_process_exit_codes(launcher):
    usage = _run([*launcher, "check", "--selct", "X"])
    assert (usage.returncode, usage.stdout) == (2, "")
    assert usage.stderr.startswith("error: No such option: --selct") and usage.stderr.count("\n") == 1
    assert usage.stderr.endswith("(see 'infractl check --help')\n")
    bare = _run(launcher)
    assert (bare.returncode, bare.stdout) == (2, "") and bare.stderr.startswith("Usage: infractl [OPTIONS]")
    version = _run([*launcher, "--version"])
    assert (version.returncode, version.stdout, version.stderr) == (0, f"infractl {__version__}\n", "")
    helped = _run([*launcher, "rule", "--help"])
    assert (helped.returncode, helped.stderr) == (0, "") and helped.stdout.startswith("Usage: infractl rule")


@pytest.mark.parametrize("args", [["rules"], ["rules", "--json"], ["rule", "DT101"], ["--help"],
                                  ["check", "{tmp}"], ["check", "--json", "{tmp}"]])
def test_output_into_a_closed_pipe_exits_1_silently(args, tmp_path):
    """`infractl rules | head -1`: the reader is gone before infractl writes (its end is closed before
    the process starts, so this is deterministic). It was 'internal error: BrokenPipeError', exit 2.
    `check` is here for the console script's own road (entry.py), which does not go through click."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = _run([str(SCRIPT), *(arg.format(tmp=tmp_path) for arg in args)], stdout=write_end)
    finally:
        os.close(write_end)
    assert (done.returncode, done.stderr) == (1, ""), done.stderr
