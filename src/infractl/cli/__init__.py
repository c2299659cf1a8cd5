"""The ``infractl`` command line: wiring only (options -> a capability's ``command.run`` -> exit code).

``app.py`` holds the Typer app, the shared options and ``main``; the command modules register on it when
imported here. Typer lists commands in the order they were registered, so these imports keep the order
``infractl --help`` shows, not the alphabet.
"""
# ruff: noqa: I001

from infractl.cli.app import OutputFormat, app, main, optional_dry_run_value, run_guarded
from infractl.cli import code  # noqa: F401
from infractl.cli import check  # noqa: F401
from infractl.cli import infra  # noqa: F401
from infractl.cli import deploy  # noqa: F401

__all__ = ["OutputFormat", "app", "main", "optional_dry_run_value", "run_guarded"]
