"""up / status / verify / down end to end on the docker runtime: a real Docker engine (scripts/start-docker.sh)
and a local image that runs the same JAR (support/wiremock_image.py; nothing can be pulled here)."""

from __future__ import annotations

import json
import os
import socket
import subprocess

import pytest
import requests
from support.wiremock_cli import WiremockCli, free_port
from support.wiremock_image import build_image
from support.wiremock_real import REPO, remove_tree, world_readable_tmpdir, write_tree

from infractl.wiremock.mappings.rules import EXAMPLES

pytestmark = pytest.mark.slow
BUNDLED = str(REPO / "wiremock")
# one container name per test process: suites of several worktrees share one Docker engine here, and a
# fixed name made them remove each other's containers ("removal ... is already in progress")
NAME = f"infractl-wm-docker-test-{os.getpid()}"


@pytest.fixture(scope="session")
def image(jar) -> str:
    """Start the engine (installs docker.io when missing); a machine without one fails here, loudly."""
    started = subprocess.run([str(REPO / "scripts" / "start-docker.sh")], capture_output=True, text=True,
                             timeout=600, check=False)
    if started.returncode != 0:
        pytest.fail(f"the Docker engine did not start: {started.stderr.strip()}")
    return build_image(jar)


@pytest.fixture
def cli(tmp_path, image):
    runner = WiremockCli(tmp_path / "state", {"WIREMOCK_JAR": ""})
    yield runner
    runner("down", "--name", NAME)


def container(name: str = NAME) -> dict | None:
    done = subprocess.run(["docker", "inspect", name], capture_output=True, text=True, check=False)
    return json.loads(done.stdout)[0] if done.returncode == 0 else None


def up(cli, image, *args):
    return cli("up", *args, "--image", image, "--name", NAME)


def test_up_status_verify_down(cli, image):
    port = free_port()
    started = up(cli, image, BUNDLED, "--runtime", "auto", "--port", str(port))  # auto: the engine answers
    assert started.returncode == 0, started.stderr
    assert "(docker)" in started.stderr and "6 of 6 stubs served" in started.stderr
    info = container()
    assert info["Config"]["Labels"]["io.infractl.wiremock"] == NAME
    assert info["HostConfig"]["NetworkMode"] == "host"
    mounts = {m["Destination"]: m for m in info["Mounts"]}
    assert mounts["/home/wiremock/mappings"]["RW"] is False and mounts["/home/wiremock/__files"]["RW"] is False
    assert mounts["/home/wiremock/mappings"]["Source"] == str(REPO / "wiremock" / "mappings")

    base = f"http://127.0.0.1:{port}"
    assert requests.get(f"{base}/-/ready", timeout=5).text == "OK"
    assert requests.get(f"{base}/api/v2/alerts", timeout=5).json()[0]["status"]["state"] == "active"
    status = json.loads(cli("status", "--name", NAME, "--json").stdout)
    assert status["runtime"] == "docker" and status["stubs_served"] == 6 and status["container_id"] == info["Id"]

    again = up(cli, image, BUNDLED, "--runtime", "docker", "--port", str(port))
    assert again.returncode == 0 and "already running" in again.stderr
    assert container()["Id"] == info["Id"]

    assert cli("verify", "--name", NAME).returncode == 0
    requests.post(f"{base}/api/v2/alerts/groups", json=[], timeout=5)
    verified = cli("verify", "--name", NAME, "--format", "github")
    assert verified.returncode == 1 and "title=WM101" in verified.stdout and "POST /api/v2/alerts/groups" in verified.stdout

    assert cli("down", "--name", NAME).returncode == 0
    assert container() is None  # stopped and removed
    assert cli("down", "--name", NAME).returncode == 0
    assert cli("status", "--name", NAME).returncode == 1


def test_missing_image_is_one_line(cli):
    done = cli("up", BUNDLED, "--runtime", "docker", "--image", "infractl-test/absent:0", "--name", NAME,
               "--port", str(free_port()))
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1] == ("error: docker image infractl-test/absent:0 is not present: "
                                                    "docker pull infractl-test/absent:0 (or --image NAME)")
    assert container() is None


def test_dead_container_is_reported_and_removed(cli, image):
    root = world_readable_tmpdir()
    try:
        write_tree(root / "wm", EXAMPLES["WM004"].bad)
        done = up(cli, image, str(root / "wm"), "--runtime", "docker", "--port", str(free_port()), "--force")
        assert done.returncode == 2
        assert "WireMock exited at start-up" in done.stderr and "metod" in done.stderr
        assert container() is None
    finally:
        remove_tree(root)


def test_port_in_use(cli, image):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = up(cli, image, BUNDLED, "--runtime", "docker", "--port", str(port))
    assert done.returncode == 2 and f"port {port} on 127.0.0.1 is already in use" in done.stderr
    assert container() is None


def test_a_foreign_container_with_the_name_is_left_alone(cli, image):
    subprocess.run(["docker", "create", "--name", NAME, image], capture_output=True, check=True)
    try:
        done = up(cli, image, BUNDLED, "--runtime", "docker", "--port", str(free_port()))
        assert done.returncode == 2 and "was not started by infractl" in done.stderr
        assert container() is not None
    finally:
        subprocess.run(["docker", "rm", "-f", NAME], capture_output=True, check=False)


def test_unreadable_mapping_stops_the_container_user(cli, image):
    """The container runs as another user (nobody here): a 600 mapping is what WM012 says it is."""
    root = world_readable_tmpdir()
    try:
        write_tree(root / "wm", EXAMPLES["WM012"].bad, EXAMPLES["WM012"].bad_modes)
        port = free_port()
        # the image's JRE runs as any user; run it as nobody the way a rootless image would
        done = subprocess.run(["docker", "run", "--rm", "--network", "host", "--user", "65534:65534", "-v",
                               f"{root}/wm/mappings:/home/wiremock/mappings:ro", image, "--port", str(port),
                               "--bind-address", "127.0.0.1"], capture_output=True, text=True, timeout=120,
                              check=False)
        assert done.returncode == 1 and "Permission denied" in done.stdout + done.stderr
    finally:
        remove_tree(root)


def test_ci_snippet_runs_as_written(image, tmp_path):
    """The snippet's own shell lines, run in a project whose config names the image, port and name
    (only 'pip install' and 'docker pull' are skipped: infractl is installed and nothing can be pulled here)."""
    import shutil
    import sys
    import textwrap

    import yaml

    project = world_readable_tmpdir()
    try:
        shutil.copytree(REPO / "wiremock", project / "wiremock")
        port = free_port()
        (project / "infractl.toml").write_text(f'[wiremock]\nimage = "{image}"\nport = {port}\nname = "{NAME}"\n')
        cli = WiremockCli(tmp_path / "state")
        snippet = cli("ci-snippet", cwd=project)
        assert snippet.returncode == 0
        steps = yaml.safe_load(textwrap.dedent(snippet.stdout))
        assert [step["name"] for step in steps] == ["Start WireMock", "WireMock saw only expected requests",
                                                    "Stop WireMock"]
        assert steps[2]["if"] == "always()"
        env = {**cli.env, "PATH": f"{os.path.dirname(sys.executable)}:{os.environ['PATH']}"}
        for step in steps:
            script = "\n".join(line for line in step["run"].splitlines()
                               if not line.startswith(("pip install", "docker pull")))
            done = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=project, env=env,
                                  capture_output=True, text=True, timeout=180, check=False)
            assert done.returncode == 0, (step["name"], done.stderr)
            if step["name"] == "Start WireMock":
                assert "(docker)" in done.stderr and "6 of 6 stubs served" in done.stderr
                assert requests.get(f"http://127.0.0.1:{port}/-/healthy", timeout=5).text == "OK"
        assert container() is None
    finally:
        subprocess.run(["docker", "rm", "-f", NAME], capture_output=True, check=False)
        remove_tree(project)


def test_a_running_instance_from_another_state_dir_is_not_killed(cli, image, tmp_path):
    port = free_port()
    assert up(cli, image, BUNDLED, "--runtime", "docker", "--port", str(port)).returncode == 0
    other = WiremockCli(tmp_path / "other-state", {"WIREMOCK_JAR": ""})
    done = other("up", BUNDLED, "--runtime", "docker", "--image", image, "--name", NAME, "--port", str(free_port()))
    assert done.returncode == 2 and f"container {NAME} is already running" in done.stderr
    assert requests.get(f"http://127.0.0.1:{port}/-/healthy", timeout=5).text == "OK"
