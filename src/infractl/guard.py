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

    InfractlError -> one red line (naming the configuration file when it is about one), exit 2.
    Ctrl-C -> exit 130. Output closed by its reader (``| head``) -> silent exit 1, as click does for
    --help. Anything unexpected -> one line, exit 2, and the traceback only with ``INFRACTL_DEBUG=1``.
    Messages are masked for passwords.
    """
    debug = os.environ.get("INFRACTL_DEBUG") == "1"
    try:
        return action()
    except InfractlError as exc:
        from infractl.config import in_config_file
        from infractl.masking import mask_text

        if debug:
            masked_traceback()
        error_line(mask_text(in_config_file(str(exc))))
        return EXIT_ERROR
    except KeyboardInterrupt:
        error_line("interrupted")
        return EXIT_INTERRUPTED
    except Exception as exc:  # noqa: BLE001 - every unexpected error becomes one masked line
        if stdout_closed(exc):
            return EXIT_BROKEN_PIPE
        from infractl.masking import mask_text

        if debug:
            masked_traceback()
            return EXIT_ERROR
        error_line(mask_text(f"internal error: {type(exc).__name__}: {exc} (INFRACTL_DEBUG=1 shows the traceback)"))
        return EXIT_ERROR


# click's code for a write to a pipe whose reader has gone (its standalone mode exits 1 on --help | true)
EXIT_BROKEN_PIPE = 1


def stdout_closed(exc: Exception) -> bool:
    """True for a write to stdout after its reader went away (``infractl rules | head -1``), which is
    not an error to report; stdout then points at /dev/null so the exit flush cannot fail again.

    Only stdout's own pipe counts: a BrokenPipeError from a socket (Docker, WireMock) is a real error.
    """
    if not isinstance(exc, BrokenPipeError):
        return False
    import select

    try:
        fd = sys.stdout.fileno()
        poller = select.poll()  # a pipe's write end polls POLLERR once no reader is left (Linux, BSD)
        poller.register(fd, select.POLLOUT)
        if not any(events & select.POLLERR for _, events in poller.poll(0)):
            return False
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, fd)
        os.close(devnull)
    except (AttributeError, OSError, ValueError):  # no fd (a test's capture), no poll (Windows)
        return False
    return True


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
