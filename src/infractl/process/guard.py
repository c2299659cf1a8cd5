"""How every command body ends: its exit code, or one masked line and exit 2 (130 on Ctrl-C, 143 on
SIGTERM).

Free of Typer so that ``entry.py`` can end a run the same way while the CLI's modules are still loading.
"""

from __future__ import annotations

# The C module: ``signal`` itself builds three IntEnums on import (~1.5 ms of every run's start-up), and
# this module needs only signal() and two numbers.
import _signal as signal
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from infractl.errors import EXIT_ERROR, EXIT_INTERRUPTED, EXIT_TERMINATED, InfractlError, Terminated


def guarded(action: Callable[[], int]) -> int:
    """Run a command body and return its exit code.

    InfractlError -> one red line (naming the configuration file when it is about one), exit 2.
    Ctrl-C -> exit 130; SIGTERM -> the same orderly way out (``Terminated``, a KeyboardInterrupt: every
    clean-up that Ctrl-C runs runs), one line, exit 143. External tools still running when the body ends
    are ended (``tools.stop_all``). Output closed by its reader (``| head``) -> silent exit 1, as click does for
    --help. Anything unexpected -> one line, exit 2, and the traceback only with ``INFRACTL_DEBUG=1``.
    Messages are masked for passwords.
    """
    with _sigterm_raises():
        try:
            return _guarded(action)
        finally:
            _stop_tools()


def _guarded(action: Callable[[], int]) -> int:
    debug = os.environ.get("INFRACTL_DEBUG") == "1"
    try:
        return action()
    except InfractlError as exc:
        from infractl.config import in_config_file
        from infractl.sanitise.masking import mask_text

        if debug:
            masked_traceback()
        error_line(mask_text(in_config_file(str(exc))))
        return EXIT_ERROR
    except Terminated:
        error_line("terminated")
        return EXIT_TERMINATED
    except KeyboardInterrupt:
        error_line("interrupted")
        return EXIT_INTERRUPTED
    except Exception as exc:  # noqa: BLE001 - every unexpected error becomes one masked line
        if stdout_closed(exc):
            return EXIT_BROKEN_PIPE
        interrupt = interrupt_behind(exc)
        if interrupt is not None:  # raised while Ctrl-C or SIGTERM was unwinding: the run was interrupted
            terminated = isinstance(interrupt, Terminated)
            error_line("terminated" if terminated else "interrupted")
            return EXIT_TERMINATED if terminated else EXIT_INTERRUPTED
        from infractl.sanitise.masking import mask_text

        if debug:
            masked_traceback()
            return EXIT_ERROR
        error_line(mask_text(f"internal error: {type(exc).__name__}: {exc} (INFRACTL_DEBUG=1 shows the traceback)"))
        return EXIT_ERROR


def interrupt_behind(exc: BaseException) -> KeyboardInterrupt | None:
    """The Ctrl-C (or SIGTERM) that ``exc`` was raised while handling, if any: an import that Ctrl-C cut
    short leaves a partly initialised module behind, and a clean-up that touches it raises AttributeError
    in its place (entry.py asks too, for what a Ctrl-C raises while the modules load)."""
    seen = set()
    pending = [exc.__cause__, exc.__context__]  # raised from it (CPython's own wrapping) or while handling it
    while pending:
        context = pending.pop()
        if context is None or id(context) in seen:
            continue
        if isinstance(context, KeyboardInterrupt):
            return context
        seen.add(id(context))
        pending += (context.__cause__, context.__context__)
    return None


def _raise_terminated(signum, frame) -> None:
    raise Terminated


@contextmanager
def _sigterm_raises() -> Iterator[None]:
    """While a command runs, SIGTERM raises ``Terminated`` in the main thread (Python's default would end
    the process at once, leaving tools, scratch servers and temporary files behind)."""
    try:
        previous = signal.signal(signal.SIGTERM, _raise_terminated)
    except ValueError:  # not the main thread (a test's runner): signals are not ours to handle
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _stop_tools() -> None:
    tools = sys.modules.get("infractl.process.tools")  # never imported: no tool was started
    if tools is None:
        return
    try:
        with uninterrupted():
            tools.stop_all()
    except KeyboardInterrupt:  # a signal held off meanwhile: the run is ending already
        pass


@contextmanager
def signals_held() -> Iterator[Callable[[], None]]:
    """Ctrl-C and SIGTERM are held off meanwhile; the yielded ``check()`` raises the one that came
    (KeyboardInterrupt, or ``Terminated`` for SIGTERM) where the caller can stop cleanly (between two
    files of a write run), and leaving the block raises it too. Outside the main thread, where handlers
    cannot be set, nothing is held."""
    pending: list[int] = []

    def check() -> None:
        if pending:
            raise Terminated if signal.SIGTERM in pending else KeyboardInterrupt

    try:
        previous = {sig: signal.signal(sig, lambda signum, frame: pending.append(signum))
                    for sig in (signal.SIGINT, signal.SIGTERM)}
    except ValueError:  # not the main thread: nothing to hold off
        yield check
        return
    try:
        yield check
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    check()


@contextmanager
def uninterrupted() -> Iterator[None]:
    """Clean-up that must finish: Ctrl-C and SIGTERM are held off meanwhile (a second Ctrl-C would leave
    a server running and its directory behind) and raised at the end if one came."""
    with signals_held():
        yield


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

    from infractl.sanitise.masking import mask_text

    sys.stderr.write(mask_text(traceback.format_exc()))


def error_line(message: str) -> None:
    """``error: message`` on stderr, red on a terminal; plain (no rich import) when stderr is not one.
    One line whatever the message holds: control characters (a file name's ESC or newline) are escaped."""
    from infractl.sanitise import error_text

    message = error_text(message)
    if not sys.stderr.isatty():
        sys.stderr.write(f"error: {message}\n")
        return
    from rich.console import Console
    from rich.markup import escape

    Console(stderr=True, highlight=False, soft_wrap=True).print(f"[bold red]error:[/] {escape(message)}")
