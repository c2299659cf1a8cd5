"""A local Docker image that runs the same WireMock JAR, built without pulling anything.

No registry is reachable here, so the official ``wiremock/wiremock`` image cannot be pulled. This builds
its stand-in with the official layout (JAR at /var/wiremock/lib/wiremock-standalone.jar, root and working
directory /home/wiremock with mappings/ and __files/, port 8080, arguments passed straight to WireMock):
a jlink'ed JRE with the modules jdeps lists for the JAR, the shared libraries ldd lists, the JAR, tarred
and loaded with ``docker import``. Cached by tag: ``docker image inspect`` first.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

TAG = "infractl-test/wiremock:3.13.2"
ENTRYPOINT = '["/opt/java/bin/java", "-jar", "/var/wiremock/lib/wiremock-standalone.jar"]'


def _run(*command: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, check=True, capture_output=True, text=True, timeout=600, **kwargs)


def image_exists(tag: str = TAG) -> bool:
    return subprocess.run(["docker", "image", "inspect", tag], capture_output=True, check=False).returncode == 0


def _jdk_tool(name: str) -> str:
    java = Path(os.path.realpath(shutil.which("java") or "/usr/bin/java"))
    candidate = java.parent / name
    return str(candidate) if candidate.exists() else (shutil.which(name) or name)


def _shared_libraries(files: list[Path]) -> set[str]:
    libraries: set[str] = set()
    for file in files:
        done = subprocess.run(["ldd", str(file)], capture_output=True, text=True, check=False)
        for line in done.stdout.splitlines():
            match = re.search(r"(/\S+)\s+\(0x", line)
            if match:
                libraries.add(match.group(1))
    return libraries


def build_image(jar: Path, tag: str = TAG) -> str:
    if image_exists(tag):
        return tag
    modules = _run(_jdk_tool("jdeps"), "--ignore-missing-deps", "--multi-release", "17", "--print-module-deps",
                   str(jar)).stdout.strip()
    with tempfile.TemporaryDirectory(prefix="infractl-wm-image-") as work:
        root = Path(work) / "root"
        java_home = root / "opt" / "java"
        _run(_jdk_tool("jlink"), "--add-modules", f"{modules},jdk.crypto.ec", "--strip-debug", "--no-man-pages",
             "--no-header-files", "--output", str(java_home))
        binaries = [java_home / "bin" / "java", *java_home.glob("lib/**/*.so")]
        for library in _shared_libraries(binaries):
            target = root / library.lstrip("/")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(os.path.realpath(library), target)
        (root / "var" / "wiremock" / "lib").mkdir(parents=True)
        shutil.copy2(jar, root / "var" / "wiremock" / "lib" / "wiremock-standalone.jar")
        for directory in ("home/wiremock/mappings", "home/wiremock/__files", "tmp", "etc"):
            (root / directory).mkdir(parents=True, exist_ok=True)
        os.chmod(root / "tmp", 0o1777)
        (root / "etc" / "passwd").write_text("root:x:0:0:root:/root:/bin/false\n"
                                             "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n")
        archive = Path(work) / "rootfs.tar"
        _run("tar", "-C", str(root), "-cf", str(archive), ".")
        _run("docker", "import", "--change", f"ENTRYPOINT {ENTRYPOINT}", "--change", "WORKDIR /home/wiremock",
             "--change", "EXPOSE 8080", str(archive), tag)
    return tag
