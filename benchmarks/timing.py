"""How every benchmark here times a command: interleaved rounds, wall and CPU, median with min-max.

Each round runs every command once, in turn, so that all of them see the same machine load; a warm-up
round comes first (byte-compiled modules, the page cache). CPU is the child's user + system time as
``os.wait4`` reports it, which includes the processes it waited for (infractl's forked scanner, ruff's
threads, kubectl's kustomize). Quote figures taken on a quiet machine (``uptime`` below 1): a
multi-threaded anchor such as ruff slows more under load than one process does, and the ratio then
flatters us.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# byte-compiled modules are what an installed tool runs: the warm-up round writes them
ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


class Samples:
    """One command's wall and CPU seconds, one pair per round."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []

    def median(self) -> float:
        return statistics.median(self.wall)

    def describe(self, anchor: Samples | None = None) -> str:
        """``12.3 ms (11.9-13.0), CPU 15.1 ms`` and, against ``anchor``, the ratio of the medians."""
        text = (f"{self.median() * 1000:6.1f} ms ({min(self.wall) * 1000:.1f}-{max(self.wall) * 1000:.1f}), "
                f"CPU {statistics.median(self.cpu) * 1000:6.1f} ms")
        if anchor is not None:
            text += (f" = {self.median() / anchor.median():.2f}x wall, "
                     f"{statistics.median(self.cpu) / statistics.median(anchor.cpu):.2f}x CPU")
        return text


def run_once(command: list[str], cwd: Path, expect: int | None = None, env: dict | None = None) -> tuple[float, float]:
    """(wall, CPU) seconds of one run; exits the benchmark when the exit code is not ``expect``."""
    with tempfile.TemporaryFile() as errors:  # a file, not a pipe: a long stderr cannot block the child
        started = time.perf_counter()
        child = subprocess.Popen(command, cwd=cwd, env=env or ENV, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        child.returncode = code = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
        if expect is not None and code != expect:
            errors.seek(0)
            sys.exit(f"error: {' '.join(command)} exited {code}, expected {expect}:\n"
                     f"{errors.read().decode(errors='replace')}")
    return wall, usage.ru_utime + usage.ru_stime


def interleaved(commands: dict[str, tuple[list[str], dict | None, int | None]], cwd: Path,
                runs: int) -> dict[str, Samples]:
    """``{name: (argv, env, expected exit code)}`` timed over ``runs`` interleaved rounds after a warm-up."""
    for command, env, expect in commands.values():
        run_once(command, cwd, expect, env)
    samples = {name: Samples() for name in commands}
    for _ in range(runs):
        for name, (command, env, expect) in commands.items():
            wall, cpu = run_once(command, cwd, expect, env)
            samples[name].wall.append(wall)
            samples[name].cpu.append(cpu)
    return samples


def load_note() -> str:
    load = os.getloadavg()[0]
    return f"load average {load:.1f}" + ("" if load < 1 else " (busy: the ratios flatter a single process)")
