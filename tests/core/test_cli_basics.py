"""The CLI's shared behaviour: version, help, exit codes for errors and interrupts."""

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from infractl import __version__, cli
from infractl.errors import InfractlError

runner = CliRunner()


def test_version():
    result = runner.invoke(cli.app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"infractl {__version__}"


@pytest.mark.parametrize("command", [[], ["fix-datetime"], ["verify-db"]])
def test_every_command_has_help(command):
    result = runner.invoke(cli.app, [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage" in result.output


def test_unknown_option_is_a_usage_error():
    result = runner.invoke(cli.app, ["fix-datetime", "--no-such-flag"])
    assert result.exit_code == 2


def _guarded_exit_code(action, capsys):
    import typer

    with pytest.raises(typer.Exit) as exc:
        cli.run_guarded(action)
    return exc.value.exit_code, capsys.readouterr().err


def test_infractl_error_is_one_masked_line(capsys):
    def action():
        raise InfractlError("cannot connect to postgresql://app:topsecret@db/app")

    code, err = _guarded_exit_code(action, capsys)
    assert code == 2
    assert "topsecret" not in err and "***" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_unexpected_exception_has_no_traceback(capsys, monkeypatch):
    monkeypatch.delenv("INFRACTL_DEBUG", raising=False)

    def action():
        raise ValueError("boom with postgresql://u:pw123456@h/d")

    code, err = _guarded_exit_code(action, capsys)
    assert code == 2
    assert "internal error: ValueError" in err and "pw123456" not in err and "Traceback" not in err


def test_debug_env_shows_the_traceback_masked(monkeypatch, capsys):
    from infractl.sanitise.masking import remember_secrets

    monkeypatch.setenv("INFRACTL_DEBUG", "1")
    remember_secrets(["s3cr et@pass"])  # as a parsed --url would have registered it

    def action():
        raise ValueError("boom: failed to resolve host 's3cr et@pass@db' for postgresql://u:pw9876@h/d")

    code, err = _guarded_exit_code(action, capsys)
    assert code == 2
    assert "Traceback" in err and "ValueError: boom" in err
    assert "s3cr et@pass" not in err and "pw9876" not in err


def test_ctrl_c_exits_130(capsys):
    def action():
        raise KeyboardInterrupt

    code, err = _guarded_exit_code(action, capsys)
    assert code == 130
    assert "interrupted" in err


def test_cli_start_up_imports_no_heavy_library():
    code = "import sys, infractl.cli; print(sorted(m for m in ('libcst','sqlalchemy','psycopg','alembic') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
