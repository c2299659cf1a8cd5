"""A real image registry for the tests: Debian's ``docker-registry`` (distribution v2.8) on 127.0.0.1.

Started on a free port with its storage in a temporary directory; stopped (by its own process id) at
the end. Loopback registries need no TLS for ``docker push``.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

MANIFEST_TYPES = ("application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json, "
                  "application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.index.v1+json")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Registry:
    host: str  # 127.0.0.1:PORT
    process: subprocess.Popen
    directory: Path

    def manifest_digest(self, name: str, reference: str) -> str:
        """The digest the registry itself reports for ``name:reference`` (Docker-Content-Digest)."""
        request = urllib.request.Request(f"http://{self.host}/v2/{name}/manifests/{reference}", method="HEAD",
                                         headers={"Accept": MANIFEST_TYPES})
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.headers["Docker-Content-Digest"]

    def tags(self, name: str) -> list[str]:
        with urllib.request.urlopen(f"http://{self.host}/v2/{name}/tags/list", timeout=10) as response:
            return json.load(response).get("tags") or []

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.directory, ignore_errors=True)


def start_registry() -> Registry:
    binary = shutil.which("docker-registry")
    if binary is None:
        raise RuntimeError("docker-registry is not installed (Debian package docker-registry)")
    port = free_port()
    directory = Path(tempfile.mkdtemp(prefix="infractl-registry-"))
    config = directory / "config.yml"
    config.write_text(
        "version: 0.1\nlog: {level: error}\n"
        f"storage: {{filesystem: {{rootdirectory: {directory / 'data'}}}, delete: {{enabled: true}}}}\n"
        f"http: {{addr: '127.0.0.1:{port}'}}\n", encoding="utf-8")
    process = subprocess.Popen([binary, "serve", str(config)], stdout=subprocess.DEVNULL,
                               stderr=open(directory / "registry.log", "wb"))  # noqa: SIM115
    registry = Registry(f"127.0.0.1:{port}", process, directory)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://{registry.host}/v2/", timeout=1):
                return registry
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.1)
    registry.stop()
    raise RuntimeError(f"docker-registry did not answer on {registry.host}")
