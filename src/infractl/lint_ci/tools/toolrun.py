"""One external workflow checker started on some files, running while lint-ci's own rules parse them.

actionlint.py and zizmor.py are the two: each says how to find its binary, which exit statuses mean an
answer, and how to read that answer; this class owns the rest, so both fail the same way (closed): a
tool that cannot start, crashes, is killed, times out or answers with anything but its documented
statuses and output is one error finding with its whole message, and a missing one is one finding saying
which checks were skipped.
"""

from __future__ import annotations

import os

from infractl.findings import Finding
from infractl.process import prestart, tools

OPTIONS = {"text": True}  # how a tool is started (tools.start's options; prestart.py's too)


class ToolRun:
    """Used as ``with Run(files, configured) as run:`` it runs while the body does (a separate process),
    ``findings()`` waits for it (at most ``timeout`` seconds), and leaving the body any way, finished or
    not, leaves no process behind. A subclass sets ``name``, ``timeout``, ``meaningful`` and the rules
    ``unavailable``/``failed``, and defines ``command(configured)`` (None: not installed),
    ``missing_fix`` and ``parse(finished)``. The command line is ``argv`` (entry.py's head start may have
    started it already: prestart.py)."""

    name = ""
    timeout = 60.0
    meaningful: tuple[int, ...] = (0,)
    unavailable = None  # the Rule for "not installed"
    failed = None  # the Rule for "failed: its checks did not run"
    missing_fix = ""
    skipped = ""  # what a missing tool leaves unchecked, for the unavailable finding

    def __init__(self, files: list[str], configured: str | None) -> None:
        self.files = files
        # what a finding about the tool itself is placed at: not any one file (the first workflow read as the
        # culprit), but what the tool was given, the one file or the directory holding them all
        self.where = (files[0] if len(files) == 1 else os.path.commonpath(files)) if files else ""
        self.process = None
        self.known: list[Finding] = []  # the findings when there is nothing to wait for
        if not files:
            return
        argv = self.argv(files, configured)
        if argv is None:
            self.known = [self.unavailable.finding(self.where, None, None,
                                                   f"{self.name} is not installed: {self.skipped} were skipped",
                                                   self.missing_fix)]
            return
        try:
            self.process = prestart.start(argv, **OPTIONS)
        except OSError as exc:
            self.known = [self.failure(f"could not run: {exc}")]

    @staticmethod
    def command(configured: str | None) -> list[str] | None:
        raise NotImplementedError

    @classmethod
    def argv(cls, files: list[str], configured: str | None) -> list[str] | None:
        """The whole command line on ``files`` (None: the tool is not installed)."""
        command = cls.command(configured)
        return None if command is None else [*command, *files]

    def parse(self, finished: tools.Finished) -> list[Finding]:
        """The tool's findings from its answer; ValueError, TypeError or AttributeError when the answer
        is not in its documented form (then the run is a failure finding)."""
        raise NotImplementedError

    def failure(self, why: str) -> Finding:
        checked = f"the {len(self.files)} workflow files were" if len(self.files) > 1 else "the workflow was"
        return self.failed.finding(self.where, None, None, f"{self.name} failed, {checked} not checked by it: {why}",
                                   f"run {self.name} on the files to see it fail; reinstall or fix it")

    def __enter__(self):  # a ToolRun (typing.Self would import typing on check's path)
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def stop(self) -> None:
        if self.process is not None:
            tools.stop(self.process)

    def findings(self) -> list[Finding]:
        if self.process is None:
            return self.known
        try:
            finished = tools.finish(self.process, self.timeout)
        except tools.ToolTimeout as exc:
            return [self.failure(str(exc))]
        failure = finished.failure(self.meaningful)
        if failure is not None:
            return [self.failure(failure)]
        try:
            return self.parse(finished)
        except (ValueError, TypeError, AttributeError, KeyError):  # json's errors are ValueErrors
            return [self.failure(f"{tools.status_text(finished.returncode)}, output is not its JSON: "
                                 f"{finished.message()}")]
