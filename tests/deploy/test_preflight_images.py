"""Preflight names the images a deploy needs and cannot get, before anything is built: the Dockerfile's base
images (each stage's FROM, as resolved) and the compose file's other images (`up` runs with --pull never),
with how to pre-pull them. No registry is reachable here, so an image that is not local is not pullable."""

from __future__ import annotations

import json

from conftest import SECRET_VALUES, assert_no_secret, kube_table, needs_docker, write_config
from test_compose_e2e import needs_stack
from test_compose_failure import invoke
from typer.testing import CliRunner

from infractl.cli import app

pytestmark = needs_docker
MISSING = "infractl-test/never-built:1"
DOCKERFILE = f"""\
ARG BASE_IMAGE=infractl-test/busybox:1
FROM ${{BASE_IMAGE}} AS build
RUN true
FROM scratch AS empty
FROM build AS app
FROM {MISSING}
COPY --from=app /bin/busybox /bin/busybox
"""


def test_a_base_image_that_is_neither_local_nor_pullable_stops_preflight(tmp_path, fake_api):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "Dockerfile").write_text(DOCKERFILE)
    config = write_config(tmp_path / "pyproject.toml", "staging", kube_table()
                          + '[tool.infractl.deploy.staging.build]\ncontext = "app"\n')
    kubeconfig = fake_api.kubeconfig(tmp_path / "kubeconfig")
    result = CliRunner().invoke(app, ["deploy", "staging", "--config", str(config), "--tag", "t", "--json"],
                                env={"KUBECONFIG": str(kubeconfig), **SECRET_VALUES})
    assert_no_secret(result.output)
    assert result.exit_code == 2, result.output
    report = json.loads(result.stdout)
    assert [s["step"] for s in report["steps"]] == ["preflight"]  # nothing built
    error = report["error"]
    assert error.startswith(f"1 image(s) this deploy needs are missing, before anything is built: {MISSING} "
                            "(Dockerfile:6): not local, and not pullable here (")
    assert f"(docker pull {MISSING}, or docker save | docker load); or set a build arg" in error
    # the stage built FROM the local busybox (by its ARG default), scratch and FROM <stage> are not missing
    assert "busybox" not in error and "scratch" not in error


@needs_stack
def test_a_compose_image_that_is_not_local_stops_preflight(tmp_path):
    (tmp_path / "compose.yml").write_text(
        "name: infractl-test-images\nservices:\n  app:\n    image: ${APP_IMAGE:?}\n    network_mode: none\n"
        "    environment: {TOKEN: '${APP_TOKEN:?}'}\n"
        f"  db:\n    image: {MISSING}\n    network_mode: none\n"
        "  cache:\n    image: infractl-test/busybox:1\n    network_mode: none\n")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.infractl.deploy.staging]\nkind = "compose"\ncompose_file = "compose.yml"\n'
        'image = "infractl-test/busybox"\nimage_variable = "APP_IMAGE"\n'
        'secrets = { APP_TOKEN = "env:TEST_APP_TOKEN" }\n')
    result = invoke(tmp_path / "pyproject.toml", "--skip-build", "--tag", "1")
    assert result.exit_code == 2, result.output
    assert result.output.splitlines()[-1] == (
        f"error: 1 image(s) this deploy needs are missing, before anything is built: {MISSING} (service db): "
        f"not local (compose up runs with --pull never). Pre-pull them where a registry is reachable "
        f"(docker pull {MISSING}, or docker save | docker load)")


@needs_stack
def test_a_missing_base_image_and_a_missing_compose_image_are_named_together(tmp_path):
    """Walking through the docs: preflight named the missing base image, and only after it was fixed, the
    missing compose image; one error now names both, with both pulls."""
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "Dockerfile").write_text(f"FROM {MISSING}\n")
    (tmp_path / "compose.yml").write_text(
        "name: infractl-test-images\nservices:\n  app:\n    image: ${APP_IMAGE:?}\n    network_mode: none\n"
        "    environment: {TOKEN: '${APP_TOKEN:?}'}\n"
        "  db:\n    image: infractl-test/never-built-db:15\n    network_mode: none\n")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.infractl.deploy.staging]\nkind = "compose"\ncompose_file = "compose.yml"\n'
        'image = "infractl-test/app"\nimage_variable = "APP_IMAGE"\nbuild = { context = "app" }\n'
        'secrets = { APP_TOKEN = "env:TEST_APP_TOKEN" }\n')
    result = invoke(tmp_path / "pyproject.toml", "--tag", "1")
    assert result.exit_code == 2, result.output
    error = result.output.splitlines()[-1]
    assert error.startswith(f"error: 2 image(s) this deploy needs are missing, before anything is built: {MISSING} "
                            "(Dockerfile:1): not local, and not pullable here ("), error
    assert ("; infractl-test/never-built-db:15 (service db): not local (compose up runs with --pull never). "
            f"Pre-pull them where a registry is reachable (docker pull {MISSING} && docker pull "
            "infractl-test/never-built-db:15, or docker save | docker load); or set a build arg to a local base "
            "image") in error, error
    assert "Server Error for http+docker" not in error  # the engine's reason, not the SDK's wrapper
