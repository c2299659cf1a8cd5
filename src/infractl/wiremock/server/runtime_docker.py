"""The docker runtime: the configured image through the Docker SDK (imported only here), with mappings/ and
__files/ mounted read-only, labelled as infractl's, on the host network (Linux) or with the port published."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from infractl.errors import InfractlError
from infractl.wiremock.server.state import Instance

NAME = "docker"
LABEL = "io.infractl.wiremock"  # value: the instance name
CONTAINER_HOME = "/home/wiremock"  # the official image's working directory and WireMock root


# Creating or removing a container copies or deletes its whole file system on the vfs storage driver,
# which takes tens of seconds on a busy machine: the engine's API calls get a generous timeout.
API_TIMEOUT = 180.0


def client(timeout: float = API_TIMEOUT):
    """A Docker client whose engine answers, or None (a missing socket fails at once, whatever the timeout)."""
    try:
        import docker
        from docker.errors import DockerException
    except ImportError:
        return None
    try:
        engine = docker.from_env(timeout=timeout)
        engine.ping()
        return engine
    except (DockerException, OSError, Exception):  # noqa: BLE001 - any failure means "no engine"
        return None


def find(engine, name: str):
    """The container called ``name``, or None; a container of that name that is not ours is an error."""
    from docker.errors import NotFound

    try:
        container = engine.containers.get(name)
    except NotFound:
        return None
    if container.labels.get(LABEL) != name:
        raise InfractlError(f"a container named {name!r} exists and was not started by infractl: pick another "
                            "--name")
    return container


def start(engine, name: str, image: str, root: Path, port: int, templating: bool, verbose: bool,
          stubs: int) -> Instance:
    from docker.errors import APIError, ImageNotFound

    try:
        engine.images.get(image)
    except ImageNotFound:
        raise InfractlError(f"docker image {image} is not present: docker pull {image} (or --image NAME)") from None
    args = ["--disable-banner"]
    if templating:
        args.append("--global-response-templating")
    if verbose:
        args.append("--verbose")
    volumes = {str(root / "mappings"): {"bind": f"{CONTAINER_HOME}/mappings", "mode": "ro"}}
    if (root / "__files").is_dir():
        volumes[str(root / "__files")] = {"bind": f"{CONTAINER_HOME}/__files", "mode": "ro"}
    options: dict = {}
    if sys.platform.startswith("linux"):
        # The host network needs no bridge or iptables; WireMock listens on 127.0.0.1 only.
        options["network_mode"] = "host"
        args += ["--port", str(port), "--bind-address", "127.0.0.1"]
    else:
        options["ports"] = {"8080/tcp": ("127.0.0.1", port)}
        args += ["--port", "8080"]
    stale = find(engine, name)
    if stale is not None:
        if stale.status == "running":  # ours, but started with another state directory: do not kill it
            raise InfractlError(f"container {name} is already running: infractl wiremock down --name {name} first")
        stale.remove(force=True)  # an exited leftover of ours
    try:
        container = engine.containers.run(image, command=args, name=name, detach=True, volumes=volumes,
                                          labels={LABEL: name, f"{LABEL}.dir": str(root)}, **options)
    except APIError as exc:
        raise InfractlError(f"docker could not start {image}: {exc.explanation or exc}") from None
    except OSError as exc:  # requests' timeouts and connection errors are OSErrors
        raise InfractlError(f"the Docker engine did not answer while starting {image}: {exc}") from None
    return Instance(name=name, runtime=NAME, port=port, dir=str(root), started_at=time.time(), stubs=stubs,
                    container_id=container.id, image=image)


def container_of(engine, instance: Instance):
    from docker.errors import NotFound

    try:
        return engine.containers.get(instance.container_id or instance.name)
    except NotFound:
        return None


def alive(engine, instance: Instance) -> bool:
    container = container_of(engine, instance)
    return container is not None and container.status == "running"


def logs(engine, instance: Instance) -> str:
    container = container_of(engine, instance)
    if container is None:
        return ""
    return container.logs(stdout=True, stderr=True).decode("utf-8", errors="replace")


def stop(engine, instance: Instance, grace: float = 10.0) -> None:
    """After POST /__admin/shutdown (the caller's): wait for the exit, stop it if needed, remove it."""
    container = container_of(engine, instance)
    if container is None:
        return
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        container.reload()
        if container.status != "running":
            break
        time.sleep(0.2)
    else:
        container.stop(timeout=5 if grace else 1)  # grace 0: never asked to shut down (Ctrl-C at start-up)
    container.remove(force=True)
