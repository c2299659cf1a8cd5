"""A progress bar on stderr for a rewrite that takes seconds (workers.py), or nothing."""

from __future__ import annotations

import sys

# A progress bar only for work that takes seconds; fewer files finish before it would render.
PROGRESS_MIN_FILES = 64


class ProgressBar:
    """A rich progress bar on stderr, or a no-op; used as ``with _ProgressBar(n, on) as advance:``."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.total = total
        self.enabled = enabled and total >= PROGRESS_MIN_FILES and sys.stderr.isatty()
        self.progress = None

    def __enter__(self):
        if not self.enabled:
            return lambda n: None
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.progress = Progress(
            TextColumn("rewriting"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=Console(stderr=True), transient=True,
        )
        self.progress.start()
        task = self.progress.add_task("rewriting", total=self.total)
        return lambda n: self.progress.advance(task, n)

    def __exit__(self, *exc_info) -> None:
        if self.progress is not None:
            self.progress.stop()
