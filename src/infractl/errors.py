"""Exit codes and the error type that becomes a one-line message with exit 2."""

EXIT_OK = 0
EXIT_FINDINGS = 1  # error findings, a failed check, or --check with changes pending
EXIT_ERROR = 2  # usage, configuration or environment error
EXIT_INTERRUPTED = 130  # Ctrl-C (SIGINT)
EXIT_TERMINATED = 143  # SIGTERM: 128 + 15, what a shell reports for a process SIGTERM ended


class InfractlError(Exception):
    """A problem with the user's input or environment: shown as one line, exit code 2.

    The message must already be safe to print (no passwords): raise sites mask URLs.
    """


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised by ``guard``'s handler: the same orderly way out as Ctrl-C (every ``except
    KeyboardInterrupt`` / ``finally`` clean-up runs), ending with exit 143 instead of 130."""
