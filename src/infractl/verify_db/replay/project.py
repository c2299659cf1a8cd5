"""What of the project a replay runs: its interpreter (the alembic worker imports what env.py imports,
``sqlmodel``, the app's own package: only the application's environment has them), or its own migration
command (``--upgrade-command``: an env.py that plain ``alembic upgrade`` cannot run)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from infractl.errors import InfractlError
from infractl.process import tools
from infractl.sanitise.masking import mask_text

WORKER = Path(__file__).with_name("alembic_worker.py")
# Run the worker file by path under any interpreter (infractl need not be installed in it), with the
# current directory first on sys.path as ``python -m`` has it: env.py imports the project's own package.
_BOOT = "import runpy, sys; sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')"
UPGRADE_TIMEOUT = 900
_VENV_PYTHON = (".venv/bin/python", "venv/bin/python", ".venv/Scripts/python.exe")


def worker_python(explicit: Path | None, start: Path) -> Path | None:
    """``--python PATH``; else the project's virtualenv, looked for from ``start`` (alembic.ini's directory)
    up to the project's root (the first directory holding .git or pyproject.toml); None: infractl's own."""
    if explicit is not None:
        if not (explicit.is_file() and os.access(explicit, os.X_OK)):
            raise InfractlError(f"--python: not an executable file: {explicit}")
        return explicit
    for directory in (start.resolve(), *start.resolve().parents):
        for name in _VENV_PYTHON:
            if (directory / name).is_file():
                return directory / name
        if (directory / ".git").exists() or (directory / "pyproject.toml").is_file():
            return None
    return None


def worker_argv(python: Path | None, answer_fd: int) -> list[str]:
    if python is None:
        return [sys.executable, "-m", "infractl.verify_db.replay.alembic_worker", str(answer_fd)]
    return [str(python), "-c", _BOOT, str(WORKER), str(answer_fd)]


def run_upgrade_command(command: str, url_env: str, url: str, secrets: tuple[str, ...]) -> None:
    """The project's own migration command, in the current directory, the scratch URL in ``url_env`` (and
    in DATABASE_URL, so that a command falling back to it cannot reach the database the user's shell
    names). A failure is one masked line with the end of its output (exit 2), as a failed alembic is."""
    try:
        assigned, argv = tools.split_command(command, "--upgrade-command")
    except ValueError as exc:
        raise InfractlError(str(exc)) from None
    env = {**os.environ, **assigned, url_env: url, "DATABASE_URL": url}
    try:
        done = tools.run(argv, timeout=UPGRADE_TIMEOUT, env=env)
    except OSError as exc:
        raise InfractlError(f"--upgrade-command: cannot run {argv[0]}: {exc.strerror or exc}") from None
    except tools.ToolTimeout:
        raise InfractlError(f"--upgrade-command did not finish in {UPGRADE_TIMEOUT} s: {command}") from None
    if done.returncode != 0:
        tail = " ".join(line.strip() for line in (done.stdout + done.stderr).splitlines()[-3:] if line.strip())
        raise InfractlError(mask_text(f"--upgrade-command failed ({tools.status_text(done.returncode)}): "
                                      f"{tail or 'no output'}", secrets))
