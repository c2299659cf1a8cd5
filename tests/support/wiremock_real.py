"""The real WireMock for tests: the npm package's standalone JAR, cached in the machine-wide test cache (support.cache)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from support.cache import cache_dir

REPO = Path(__file__).resolve().parents[2]
CACHE = cache_dir("wiremock")


def wiremock_jar() -> Path:
    from infractl.wiremock.server.jar import cached_jar

    return cached_jar(CACHE)


def readable_by_anyone(jar: Path) -> Path:
    """The JAR where user 65534 can read it: a checkout under /root (mode 700) is not such a place."""
    path = Path(tempfile.gettempdir()) / f"infractl-wm-{os.getuid()}-{jar.stat().st_size}-{jar.name}"
    if not path.is_file() or path.stat().st_size != jar.stat().st_size:
        partial = path.with_suffix(".partial")
        shutil.copyfile(jar, partial)
        os.chmod(partial, 0o644)
        partial.replace(path)
    return path


def write_tree(root: Path, tree: dict[str, str], modes: dict[str, int] | None = None) -> Path:
    """A WireMock root from ``{relative path: text}``; everything readable by others unless ``modes`` says."""
    root.mkdir(parents=True, exist_ok=True)
    os.chmod(root, 0o755)
    (root / "mappings").mkdir(exist_ok=True)
    for rel, text in tree.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for directory in [root, *root.rglob("*")]:
        os.chmod(directory, 0o755 if directory.is_dir() else 0o644)
    for rel, mode in (modes or {}).items():
        os.chmod(root / rel, mode)
    return root


def world_readable_tmpdir() -> Path:
    """pytest's tmp_path is 0700 under /tmp/pytest-of-root: an unprivileged WireMock could not enter it."""
    path = Path(tempfile.mkdtemp(prefix="infractl-wm-"))
    os.chmod(path, 0o755)
    return path


def remove_tree(path: Path) -> None:
    for item in [path, *path.rglob("*")]:
        try:
            os.chmod(item, 0o755 if item.is_dir() else 0o644, follow_symlinks=False)
        except (OSError, NotImplementedError):
            pass
    shutil.rmtree(path, ignore_errors=True)


@dataclass
class Outcome:
    exit_code: int | None  # None: it started and answered
    served: int | None  # GET /__admin/mappings meta.total when it started
    log: str


def start_once(jar: Path, root: Path, as_nobody: bool = False, timeout: float = 60.0,
               extra: tuple[str, ...] = ()) -> Outcome:
    """Start the real WireMock on ``root`` (port 0), report whether it started and how many stubs it serves,
    and stop it again."""
    command = ["java", "-jar", str(jar), "--port", "0", "--bind-address", "127.0.0.1", "--root-dir", str(root),
               "--disable-banner", *extra]
    if as_nobody:
        command[2] = str(readable_by_anyone(jar))
        command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *command]
    log_path = Path(tempfile.mkstemp(prefix="infractl-wm-log-")[1])
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            code = process.poll()
            text = log_path.read_text(errors="replace")
            if code is not None:
                return Outcome(code, None, text)
            match = re.search(r"^port:\s+(\d+)", text, re.MULTILINE)
            if match:
                url = f"http://127.0.0.1:{match.group(1)}/__admin/mappings"
                with urllib.request.urlopen(url, timeout=10) as response:
                    total = json.load(response)["meta"]["total"]
                return Outcome(None, total, text)
            time.sleep(0.1)
        raise AssertionError(f"WireMock neither started nor failed within {timeout} s:\n{text}")
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log_path.unlink(missing_ok=True)
