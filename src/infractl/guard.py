"""How every command body ends: its exit code, or one masked line and exit 2 (130 on Ctrl-C).

Free of Typer so that the fast road of ``infractl check`` (``entry.py``) and the full CLI (``cli.py``)
end a run the same way.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

from infractl.errors import EXIT_ERROR, EXIT_INTERRUPTED, InfractlError


def guarded(action: Callable[[], int]) -> int:
    """Run a command body and return its exit code.

    InfractlError -> one red line, exit 2. Ctrl-C -> exit 130. Anything unexpected -> one line,
    exit 2, and the traceback only with ``INFRACTL_DEBUG=1``. Messages are masked for passwords.
    """
    debug = os.environ.get("INFRACTL_DEBUG") == "1"
    try:
        return action()
    except InfractlError as exc:
        from infractl.masking import mask_text

        if debug:
            masked_traceback()
        error_line(mask_text(str(exc)))
        return EXIT_ERROR
    except KeyboardInterrupt:
        error_line("interrupted")
        return EXIT_INTERRUPTED
    except Exception as exc:  # noqa: BLE001 - every unexpected error becomes one masked line
        from infractl.masking import mask_text

        if debug:
            masked_traceback()
            return EXIT_ERROR
        error_line(mask_text(f"internal error: {type(exc).__name__}: {exc} (INFRACTL_DEBUG=1 shows the traceback)"))
        return EXIT_ERROR


def masked_traceback() -> None:
    """INFRACTL_DEBUG=1: the whole traceback, through the same masking as every other message."""
    import traceback

    from infractl.masking import mask_text

    sys.stderr.write(mask_text(traceback.format_exc()))


def error_line(message: str) -> None:
    """``error: message`` on stderr, red on a terminal; plain (no rich import) when stderr is not one."""
    if not sys.stderr.isatty():
        sys.stderr.write(f"error: {message}\n")
        return
    from rich.console import Console
    from rich.markup import escape

    Console(stderr=True, highlight=False, soft_wrap=True).print(f"[bold red]error:[/] {escape(message)}")
