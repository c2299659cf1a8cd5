"""``infractl wiremock up | down | status``: start WireMock the same way everywhere and prove what it serves."""

from __future__ import annotations

import re
import socket
import sys
import time
from pathlib import Path

from infractl.config import load_config
from infractl.errors import EXIT_FINDINGS, EXIT_OK, InfractlError
from infractl.findings import fails
from infractl.render import print_report
from infractl.wiremock.command import lint_selection
from infractl.wiremock.mappings.validate import collect
from infractl.wiremock.server import runtime_docker, runtime_java, state
from infractl.wiremock.server.admin import Admin
from infractl.wiremock.server.state import Instance
from infractl.wiremock.settings import Settings, settings


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


class Running:
    """One instance and the runtime it runs on, with the few operations both runtimes share."""

    def __init__(self, instance: Instance, engine=None, process=None) -> None:
        self.instance, self.engine, self.process = instance, engine, process
        self.admin = Admin(instance.url)

    def alive(self) -> bool:
        if self.instance.runtime == runtime_docker.NAME:
            return self.engine is not None and runtime_docker.alive(self.engine, self.instance)
        return runtime_java.alive(self.instance, self.process)

    def logs(self) -> str:
        if self.instance.runtime == runtime_docker.NAME:
            return runtime_docker.logs(self.engine, self.instance) if self.engine is not None else ""
        return runtime_java.logs(self.instance)

    def where(self) -> str:
        if self.instance.runtime == runtime_docker.NAME:
            return f"container {self.instance.name} ({(self.instance.container_id or '')[:12]}, {self.instance.image})"
        return f"pid {self.instance.pid} ({Path(self.instance.jar or '').name}), log {state.log_path(self.instance.name)}"

    def stop(self, ask: bool = True) -> None:
        """POST /__admin/shutdown first (``ask``), then a signal / docker stop; never DELETE /__admin/mappings.
        ``ask=False``: WireMock never answered (still starting): a POST could only wait for its timeout."""
        accepted = ask and self.alive() and self.admin.shutdown()
        # Wait for a graceful exit only when WireMock accepted the shutdown: one that is still starting
        # (Ctrl-C during `up`) never will, and the user must not wait the grace period for nothing.
        grace = 10.0 if accepted else 0.0
        if self.instance.runtime == runtime_docker.NAME:
            if self.engine is not None:
                runtime_docker.stop(self.engine, self.instance, grace=grace)
        else:
            runtime_java.stop(self.instance, self.process, grace=grace)
        state.forget(self.instance.name)


def attach(instance: Instance) -> Running:
    engine = runtime_docker.client() if instance.runtime == runtime_docker.NAME else None
    return Running(instance, engine)


def choose_runtime(chosen: Settings):
    """(runtime name, docker engine or None); an environment that has neither is exit 2."""
    if chosen.runtime in ("docker", "auto"):
        engine = runtime_docker.client()
        if engine is not None:
            return runtime_docker.NAME, engine
        if chosen.runtime == "docker":
            raise InfractlError("no Docker engine answers (is dockerd running? DOCKER_HOST?); or use --runtime java")
    problem = runtime_java.available(chosen.jar)
    if problem:
        prefix = "no runtime: no Docker engine answers and " if chosen.runtime == "auto" else ""
        raise InfractlError(prefix + problem)
    return runtime_java.NAME, None


# a pathological log (thousands of stubs, each failing) must not become a screenful of one line
MESSAGE_LIMIT = 4000


def tail(text: str, lines: int = 40) -> str:
    return "\n".join(text.rstrip().splitlines()[-lines:])


def failure_cause(log: str) -> str:
    """Why WireMock stopped, on one line: its exception's whole message (Java puts the cause on the lines
    after the exception's name: the file's parse error, each ``Caused by:``), less the stack frames."""
    lines = log.splitlines()
    for index, line in enumerate(lines):
        if "Exception" in line or "Error" in line or "rror loading" in line:
            message = [line.strip()]
            for more in lines[index + 1:]:
                text = more.strip()
                if text and not text.startswith("at ") and not re.match(r"\.\.\. \d+ more$", text):
                    message.append(text)
            return " ".join(message)[:MESSAGE_LIMIT]
    return (log.strip().splitlines() or ["(no output)"])[-1][:MESSAGE_LIMIT]


def run_up(dir: Path | None, runtime: str | None, port: int | None, image: str | None, jar: Path | None,
           name: str | None, global_templating: bool, verbose: bool, force: bool, timeout: float,
           config_path: Path | None) -> int:
    config = load_config(start=dir, explicit=config_path)
    chosen = settings(config, dir=dir, runtime=runtime, port=port, image=image, jar=jar, name=name,
                      global_templating=global_templating or None)
    state.check_name(chosen.name)
    report = collect(chosen.dir, chosen.global_response_templating, lint_selection(config))
    stubs = report.summary["stubs"]  # what WireMock must serve once it is up
    if report.findings:
        print_report(report, "table", to_stderr=True)
    else:
        say(f"validated {report.headline}")
    if fails(report.findings) and not force:
        say("not started: validation found errors (--force starts anyway)")
        return EXIT_FINDINGS
    root = chosen.dir.resolve()

    existing = state.load(chosen.name)
    if existing is not None:
        running = attach(existing)
        if running.alive():
            if (existing.dir, existing.port) != (str(root), chosen.port):
                raise InfractlError(f"{chosen.name} already runs {existing.dir} on port {existing.port}: "
                                    f"infractl wiremock down --name {chosen.name} first")
            served = running.admin.mappings_total()
            say(f"already running: {running.where()} on {existing.url}, {served} of {stubs} stubs served")
            return EXIT_OK if served == stubs else _count_mismatch(running, served, stubs)
        state.forget(chosen.name)  # a stale record of an instance that is gone

    kind, engine = choose_runtime(chosen)
    if not port_free(chosen.port):
        raise InfractlError(f"port {chosen.port} on 127.0.0.1 is already in use (--port N picks another)")
    began = time.monotonic()
    if kind == runtime_docker.NAME:
        instance = runtime_docker.start(engine, chosen.name, chosen.image, root, chosen.port,
                                        chosen.global_response_templating, verbose, stubs)
        running = Running(instance, engine)
    else:
        instance, process = runtime_java.start(chosen.name, chosen.jar, root, chosen.port,
                                               chosen.global_response_templating, verbose, stubs)
        running = Running(instance, process=process)
    state.save(instance)
    try:
        health = _wait_ready(running, timeout)
    except BaseException:
        # Ctrl-C while it starts: no POST /__admin/shutdown to a server that has not answered yet, which can
        # hold the POST to its 5 s timeout and then the 10 s grace (a CI run under load once saw Ctrl-C here
        # take over 30 s; not reproduced, this is the path that could)
        running.stop(ask=False)
        raise
    try:
        served = running.admin.mappings_total()
    except BaseException:
        running.stop()
        raise
    if served != stubs:
        return _count_mismatch(running, served, stubs)
    version = health.get("version", "?")
    say(f"started WireMock {version} ({kind}): {running.where()}")
    say(f"ready on {instance.url} in {time.monotonic() - began:.1f} s: {served} of {stubs} stubs served")
    return EXIT_OK


def _wait_ready(running: Running, timeout: float) -> dict:
    if sys.stderr.isatty():  # start-up takes seconds (minutes for thousands of stubs); CI logs stay quiet
        say(f"waiting for {running.instance.url}/__admin/health (up to {timeout:.0f} s) ...")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        health = running.admin.health()
        if health is not None:
            return health
        if not running.alive():
            log = running.logs()
            running.stop(ask=False)
            raise InfractlError(f"WireMock exited at start-up: {failure_cause(log)}")
        time.sleep(0.1)
    log = running.logs()
    running.stop(ask=False)
    raise InfractlError(f"WireMock did not answer GET /__admin/health within {timeout:.0f} s: {failure_cause(log)}")


def _count_mismatch(running: Running, served: int, expected: int) -> int:
    say(tail(running.logs()) or "(the log is empty)")
    say(f"error: WireMock serves {served} stubs but {expected} were validated from disk (wrong mount, "
        "unreadable or ignored files?); stopped it")
    running.stop()
    return EXIT_FINDINGS


def run_down(name: str | None, config_path: Path | None) -> int:
    chosen = settings(load_config(explicit=config_path), name=name)
    instance = state.load(chosen.name)
    if instance is None:
        engine = runtime_docker.client()
        container = runtime_docker.find(engine, chosen.name) if engine is not None else None
        if container is None:
            say(f"{chosen.name}: nothing running")
            return EXIT_OK
        instance = Instance(name=chosen.name, runtime=runtime_docker.NAME, port=0, dir="", started_at=0, stubs=0,
                            container_id=container.id)
    running = attach(instance)
    running.stop()
    say(f"{chosen.name}: stopped ({instance.runtime})")
    return EXIT_OK


def run_status(name: str | None, json_flag: bool, config_path: Path | None) -> int:
    import json

    chosen = settings(load_config(explicit=config_path), name=name)
    instance = state.load(chosen.name)
    running = attach(instance) if instance is not None else None
    if running is None or not running.alive():
        document = {"name": chosen.name, "running": False}
        print(json.dumps(document) if json_flag else f"{chosen.name}: not running")
        return EXIT_FINDINGS
    served = running.admin.mappings_total()
    uptime = time.time() - instance.started_at
    document = {"name": instance.name, "running": True, "runtime": instance.runtime, "url": instance.url,
                "dir": instance.dir, "where": running.where(), "stubs_served": served,
                "stubs_validated": instance.stubs, "uptime_seconds": round(uptime, 1), "pid": instance.pid,
                "container_id": instance.container_id, "image": instance.image}
    if json_flag:
        print(json.dumps(document, indent=2))
    else:
        print(f"{instance.name}: running ({instance.runtime}) on {instance.url}\n"
              f"  where:  {running.where()}\n  dir:    {instance.dir}\n"
              f"  stubs:  {served} served ({instance.stubs} validated at start)\n  uptime: {_duration(uptime)}")
    return EXIT_OK if served == instance.stubs else EXIT_FINDINGS


def _duration(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m {secs:02d}s" if hours else f"{minutes}m {secs:02d}s"

