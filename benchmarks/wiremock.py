"""Benchmark: ``infractl wiremock validate`` and ``up`` against WireMock's own start-up, in one run.

5,000 generated mappings (one file each; varied methods, URL matchers, header/query/body matchers,
JSON and file bodies, templating) in a temporary WireMock root. Measured, as real processes:

  validate  ``infractl wiremock validate DIR`` (the console script, cold process each time)
  wiremock  ``java -jar wiremock-standalone.jar --root-dir DIR``: until GET /__admin/health answers
            and GET /__admin/mappings reports all 5,000 stubs
  up        ``infractl wiremock up DIR --runtime java`` until it returns ready (validates, starts the
            same JAR, waits, checks the count), then ``down``

Prints medians and the ratios. The JAR is fetched once with npm into .cache/wiremock/.
Usage: .venv/bin/python benchmarks/wiremock.py [--mappings 5000] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from infractl.wiremock.server.jar import cached_jar

METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH")


def generate(root: Path, count: int) -> None:
    (root / "mappings").mkdir(parents=True)
    (root / "__files").mkdir()
    for i in range(count):
        request: dict = {"method": METHODS[i % 5]}
        if i % 3 == 0:
            request["urlPath"] = f"/api/v1/resource{i}/items"
            request["queryParameters"] = {"page": {"matches": "[0-9]+"}}
        elif i % 3 == 1:
            request["urlPathPattern"] = f"/api/v2/things/{i}/[a-z]+"
        else:
            request["url"] = f"/plain/{i}?q=x"
        if i % 4 == 0:
            request["headers"] = {"Authorization": {"matches": "Bearer .+"},
                                  "Content-Type": {"contains": "json"}}
        if request["method"] in ("POST", "PUT") and i % 2 == 0:
            request["bodyPatterns"] = [{"matchesJsonPath": f"$.items[?(@.id == {i})]"},
                                       {"equalToJson": {"id": i, "kind": "thing"}, "ignoreExtraElements": True}]
        response: dict = {"status": 200 + (i % 3), "headers": {"Content-Type": "application/json"}}
        if i % 10 == 0:
            name = f"bodies/body{i}.json"
            (root / "__files" / "bodies").mkdir(exist_ok=True)
            (root / "__files" / name).write_text(json.dumps({"id": i, "items": list(range(5))}))
            response["bodyFileName"] = name
        elif i % 10 == 1:
            response["body"] = "{{request.path}} at {{now}}"
            response["transformers"] = ["response-template"]
        else:
            response["jsonBody"] = {"id": i, "name": f"thing {i}", "tags": ["a", "b"], "nested": {"ok": True}}
        mapping = {"id": str(uuid.UUID(int=i + 1)), "name": f"generated stub {i}", "priority": 1 + i % 5,
                   "request": request, "response": response, "metadata": {"generated": True}}
        (root / "mappings" / f"stub-{i:05d}.json").write_text(json.dumps(mapping, indent=2))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get_json(url: str):
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


def time_validate(infractl: str, root: Path) -> float:
    began = time.perf_counter()
    done = subprocess.run([infractl, "wiremock", "validate", str(root), "--json"], capture_output=True, text=True,
                          check=False)
    elapsed = time.perf_counter() - began
    summary = json.loads(done.stdout)["summary"]
    assert done.returncode == 0 and summary["stubs"] == COUNT, (done.returncode, summary, done.stderr[-500:])
    return elapsed


def time_wiremock(jar: Path, root: Path) -> float:
    """Bare ``java -jar``: from exec until health answers and every stub is loaded."""
    port = free_port()
    began = time.perf_counter()
    process = subprocess.Popen(["java", "-jar", str(jar), "--port", str(port), "--bind-address", "127.0.0.1",
                                "--root-dir", str(root), "--disable-banner"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            try:
                get_json(f"http://127.0.0.1:{port}/__admin/health")
                if get_json(f"http://127.0.0.1:{port}/__admin/mappings?limit=1")["meta"]["total"] == COUNT:
                    return time.perf_counter() - began
            except OSError:
                pass
            if process.poll() is not None:
                raise SystemExit(f"WireMock exited with {process.returncode}")
            time.sleep(0.02)
        raise SystemExit("WireMock was not ready within 300 s")
    finally:
        process.terminate()
        process.wait(30)


def time_up(infractl: str, jar: Path, root: Path, state: Path) -> float:
    env = {**os.environ, "INFRACTL_STATE_DIR": str(state), "WIREMOCK_JAR": str(jar)}
    port = str(free_port())
    began = time.perf_counter()
    done = subprocess.run([infractl, "wiremock", "up", str(root), "--runtime", "java", "--port", port,
                           "--name", "bench"], env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - began
    subprocess.run([infractl, "wiremock", "down", "--name", "bench"], env=env, capture_output=True, check=False)
    assert done.returncode == 0 and f"{COUNT} of {COUNT} stubs served" in done.stderr, done.stderr[-1000:]
    return elapsed


COUNT = 5000


def main() -> None:
    global COUNT
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mappings", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    COUNT = args.mappings
    infractl = shutil.which("infractl", path=str(Path(sys.executable).parent)) or "infractl"
    jar = cached_jar(REPO / ".cache" / "wiremock")
    work = Path(tempfile.mkdtemp(prefix="infractl-wm-bench-"))
    try:
        root = work / "wiremock"
        generate(root, COUNT)
        validate_times, wiremock_times, up_times = [], [], []
        time_validate(infractl, root)  # warm the page cache for both sides alike
        for _ in range(args.runs):  # interleaved, so load on the machine hits both alike
            validate_times.append(time_validate(infractl, root))
            wiremock_times.append(time_wiremock(jar, root))
            up_times.append(time_up(infractl, jar, root, work / "state"))
        v, w, u = (statistics.median(t) for t in (validate_times, wiremock_times, up_times))
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"{COUNT} mappings, {args.runs} interleaved runs each (medians), {os.cpu_count()} CPUs, "
              f"load average at the end {load}")
        print(f"infractl wiremock validate:            {v:7.3f} s  ({COUNT / v:,.0f} mappings/s)")
        print(f"WireMock start-up (health + all loaded): {w:7.3f} s")
        print(f"infractl wiremock up (java, ready):     {u:7.3f} s")
        print(f"validate is {w / v:.1f}x faster than WireMock's own start-up")
        print(f"up takes {u / w:.2f}x a bare java -jar start ({u - w:+.2f} s: validation, the count check)")
        print("raw seconds: validate " + " ".join(f"{t:.2f}" for t in validate_times) + "; wiremock " +
              " ".join(f"{t:.2f}" for t in wiremock_times) + "; up " + " ".join(f"{t:.2f}" for t in up_times))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
