"""The java runtime: the WireMock standalone JAR as a background process, with a pid file and a log file."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

from infractl.errors import InfractlError
from infractl.process import tools
from infractl.wiremock.server import state
from infractl.wiremock.server.state import Instance

NAME = "java"


def java_binary() -> str | None:
    home = os.environ.get("JAVA_HOME")
    if home and os.access(Path(home) / "bin" / "java", os.X_OK):
        return str(Path(home) / "bin" / "java")
    return shutil.which("java")


def available(jar: Path | None) -> str | None:
    """None when this runtime can start, else why not."""
    if java_binary() is None:
        return "no java on PATH (install a Java 11+ runtime, e.g. Debian's default-jre-headless)"
    if jar is None:
        return ("no WireMock JAR: pass --jar PATH, set WIREMOCK_JAR, or set jar in [tool.infractl.wiremock] "
                "(python -m infractl.wiremock.server.jar fetches it once with npm)")
    if not Path(jar).is_file():
        return f"WireMock JAR not found: {jar}"
    return None


def command_line(jar: Path, root: Path, port: int, templating: bool, verbose: bool) -> list[str]:
    command = [java_binary() or "java", "-jar", str(Path(jar).resolve()), "--port", str(port),
               "--bind-address", "127.0.0.1", "--root-dir", str(root), "--disable-banner"]
    if templating:
        command.append("--global-response-templating")
    if verbose:
        command.append("--verbose")
    return command


def start(name: str, jar: Path, root: Path, port: int, templating: bool, verbose: bool, stubs: int) -> tuple[
        Instance, subprocess.Popen]:
    log = state.log_path(name)
    with open(log, "wb") as handle:  # a fresh log per start; the previous run's is replaced
        # detached: the server outlives this run by design (`wiremock down` stops it by its pid file)
        process = tools.start(command_line(jar, root, port, templating, verbose), stdout=handle,
                              stderr=tools.STDOUT, detached=True)
    instance = Instance(name=name, runtime=NAME, port=port, dir=str(root), started_at=time.time(), stubs=stubs,
                        pid=process.pid, jar=str(Path(jar).resolve()))
    return instance, process


def alive(instance: Instance, process: subprocess.Popen | None = None) -> bool:
    if process is not None:
        return process.poll() is None
    if instance.pid is None:
        return False
    try:
        with open(f"/proc/{instance.pid}/cmdline", "rb") as handle:
            cmdline = handle.read().split(b"\0")
    except OSError:
        return _signal_alive(instance.pid)
    # The pid may have been reused by another program since: it must still be this JAR.
    return (instance.jar or "").encode() in cmdline


def _signal_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def logs(instance: Instance) -> str:
    try:
        return state.log_path(instance.name).read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return ""


def stop(instance: Instance, process: subprocess.Popen | None = None, grace: float = 10.0) -> None:
    """After POST /__admin/shutdown (the caller's): wait, then SIGTERM, then SIGKILL the process group."""
    deadline = time.monotonic() + grace
    while alive(instance, process) and time.monotonic() < deadline:
        time.sleep(0.1)
    for sig, wait in ((signal.SIGTERM, 5.0), (signal.SIGKILL, 5.0)):
        if not alive(instance, process):
            break
        try:
            os.killpg(instance.pid, sig)
        except (ProcessLookupError, PermissionError):
            try:
                os.kill(instance.pid, sig)
            except ProcessLookupError:
                break
        deadline = time.monotonic() + wait
        while alive(instance, process) and time.monotonic() < deadline:
            time.sleep(0.1)
    if alive(instance, process):
        raise InfractlError(f"WireMock (pid {instance.pid}) did not stop")
    if process is not None:
        process.wait(1)
