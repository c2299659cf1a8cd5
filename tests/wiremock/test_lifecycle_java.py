"""up / status / verify / down end to end on the java runtime: the real JAR as a background process."""

from __future__ import annotations

import json
import socket

import pytest
import requests
from support.wiremock_cli import WiremockCli, free_port
from support.wiremock_real import REPO, remove_tree, world_readable_tmpdir, write_tree

from infractl.wiremock.mappings.rules import EXAMPLES

pytestmark = pytest.mark.slow
BUNDLED = str(REPO / "wiremock")


@pytest.fixture
def cli(tmp_path, jar):
    runner = WiremockCli(tmp_path / "state", {"WIREMOCK_JAR": str(jar)})
    yield runner
    runner("down", "--name", "wm-java-test")


def up(cli, *args):
    return cli("up", *args, "--runtime", "java", "--name", "wm-java-test")


def test_up_status_verify_down(cli):
    port = free_port()
    mapping_files = sorted((REPO / "wiremock" / "mappings").rglob("*.json"))
    started = up(cli, BUNDLED, "--port", str(port))
    assert started.returncode == 0, started.stderr
    assert f"ready on http://127.0.0.1:{port}" in started.stderr and "6 of 6 stubs served" in started.stderr
    base = f"http://127.0.0.1:{port}"
    assert requests.get(f"{base}/-/healthy", timeout=5).text == "OK"
    alerts = requests.get(f"{base}/api/v2/alerts", timeout=5).json()
    assert alerts[0]["labels"]["alertname"] == "WebhookDeliveryFailing"
    posted = requests.post(f"{base}/api/v2/alerts", json=[{"labels": {"alertname": "X"}}], timeout=5)
    assert posted.status_code == 200
    hook = requests.post(f"{base}/webhooks/payments", json={}, timeout=5).json()
    assert hook == {"accepted": True, "path": "/webhooks/payments"}  # templating really ran

    status = cli("status", "--name", "wm-java-test", "--json")
    document = json.loads(status.stdout)
    assert status.returncode == 0 and document["runtime"] == "java" and document["stubs_served"] == 6
    assert document["url"] == base and document["pid"] > 0

    assert cli("verify", "--name", "wm-java-test").returncode == 0  # every request so far matched
    again = up(cli, BUNDLED, "--port", str(port))  # idempotent
    assert again.returncode == 0 and "already running" in again.stderr
    assert json.loads(cli("status", "--name", "wm-java-test", "--json").stdout)["pid"] == document["pid"]

    requests.get(f"{base}/api/v2/alert", timeout=5)  # a typo: no stub matches
    verified = cli("verify", "--name", "wm-java-test", "--json")
    assert verified.returncode == 1
    found = json.loads(verified.stdout)["findings"]
    assert [(f["rule"], f["path"]) for f in found] == [("WM101", "GET /api/v2/alert")]
    assert "Alertmanager GET /api/v2/alerts" in found[0]["message"]
    assert found[0]["logical_location"] == {"name": "GET /api/v2/alert", "kind": "request"}
    # a request is no file: the annotation names it in its title and claims no file=
    annotations = cli("verify", "--name", "wm-java-test", "--format", "github").stdout.splitlines()
    assert annotations == [a for a in annotations if a.startswith("::error title=WM101 GET /api/v2/alert::")]
    assert len(annotations) == 1

    down = cli("down", "--name", "wm-java-test")
    assert down.returncode == 0 and "stopped (java)" in down.stderr
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{base}/__admin/health", timeout=2)
    assert sorted((REPO / "wiremock" / "mappings").rglob("*.json")) == mapping_files  # down deletes nothing
    assert cli("down", "--name", "wm-java-test").returncode == 0  # safe twice
    assert cli("status", "--name", "wm-java-test").returncode == 1


def test_refuses_on_validation_errors_and_force_reports_the_crash(cli):
    root = world_readable_tmpdir()
    try:
        write_tree(root / "wm", EXAMPLES["WM007"].bad)
        port = free_port()
        refused = up(cli, str(root / "wm"), "--port", str(port))
        assert refused.returncode == 1 and "not started" in refused.stderr and "WM007" in refused.stderr
        forced = up(cli, str(root / "wm"), "--port", str(port), "--force")
        assert forced.returncode == 2
        assert "WireMock exited at start-up" in forced.stderr and "UUID" in forced.stderr
        assert cli("status", "--name", "wm-java-test").returncode == 1  # nothing left running
    finally:
        remove_tree(root)


def test_port_in_use_is_one_line_and_nothing_runs(cli):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = up(cli, BUNDLED, "--port", str(port))
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1] == (f"error: port {port} on 127.0.0.1 is already in use "
                                                   "(--port N picks another)")
    assert cli("status", "--name", "wm-java-test").returncode == 1


def test_no_runtime_at_all(tmp_path):
    cli = WiremockCli(tmp_path / "state", {"DOCKER_HOST": f"unix://{tmp_path}/no.sock", "WIREMOCK_JAR": ""})
    done = cli("up", BUNDLED, "--port", str(free_port()))
    assert done.returncode == 2
    assert "no runtime: no Docker engine answers and no WireMock JAR" in done.stderr
    assert len([line for line in done.stderr.splitlines() if line.startswith("error:")]) == 1


def test_served_count_mismatch_fails_loudly_and_stops(jar, tmp_path, monkeypatch, capsys):
    """WireMock serving a different number of stubs than validated (a wrong mount, files changed between
    validation and start) is simulated by raising the validated count by one; the server is the real one."""
    from infractl.wiremock.mappings.validate import collect
    from infractl.wiremock.server import lifecycle

    def collect_plus_one(root, templating=False, selection=None):
        report = collect(root, templating, selection)
        report.summary["stubs"] += 1
        return report

    monkeypatch.setenv("INFRACTL_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setattr(lifecycle, "collect", collect_plus_one)
    port = free_port()
    code = lifecycle.run_up(dir=REPO / "wiremock", runtime="java", port=port, image=None, jar=jar,
                            name="wm-java-mismatch", global_templating=False, verbose=False, force=False,
                            timeout=60, config_path=None)
    err = capsys.readouterr().err
    assert code == 1
    assert "WireMock serves 6 stubs but 7 were validated from disk" in err
    assert "port:" in err  # the WireMock log is shown
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{port}/__admin/health", timeout=2)


def test_ctrl_c_while_wiremock_starts_ends_within_seconds_and_leaves_nothing(cli, tmp_path):
    """Ctrl-C during `up` (WireMock not answering yet): exit 130 at once, the JVM stopped, no state left.
    It used to wait the 10 s shutdown grace for a server that had never been asked to shut down."""
    import os
    import signal
    import subprocess
    import sys
    import time

    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "infractl", "wiremock", "up", BUNDLED, "--runtime", "java",
                                "--name", "wm-java-test", "--port", str(port)], env=cli.env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    pid_file = tmp_path / "state" / "wm-java-test.pid"
    deadline = time.monotonic() + 60
    while not pid_file.exists() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.02)
    assert pid_file.exists(), process.communicate()
    java_pid = int(pid_file.read_text())
    interrupted = time.monotonic()
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=30)
    took = time.monotonic() - interrupted
    assert process.returncode == 130, err
    assert "Traceback" not in err and err.strip().endswith("interrupted")
    assert took < 4, f"Ctrl-C took {took:.1f} s"
    with pytest.raises(ProcessLookupError):
        os.kill(java_pid, 0)
    assert not pid_file.exists() and not (tmp_path / "state" / "wm-java-test.json").exists()
