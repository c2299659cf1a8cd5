"""deploy's own inputs that cannot be used: a kubeconfig that is not one, a secret file that never ends or is
not a file. Each is one line naming the file (never its content), exit 2: never "internal error"."""

from __future__ import annotations

import os

import pytest
from conftest import SECRET_VALUES, kube_table, needs_docker, write_config
from typer.testing import CliRunner

from infractl.cli import app


def deploy(tmp_path, *args, table=None, env=None):
    config = write_config(tmp_path / "pyproject.toml", "staging", table or kube_table())
    result = CliRunner().invoke(app, ["deploy", "staging", "--config", str(config), "--skip-build", "--tag",
                                      "deploy-test", *args], env={**SECRET_VALUES, **(env or {})})
    return result.exit_code, result.output


@needs_docker
@pytest.mark.parametrize(("content", "reason"), [
    ("apiVersion: v1\ncontexts: x: y\n", "not valid YAML (line 2, column 12)"),  # a ScannerError
    ("- just\n- a list\n", "not a kubeconfig (a mapping with clusters, contexts, users and current-context)"),
    ("contexts: 5\nusers: [{name: u, user: {token: kubeconfig-canary-token}}]\n",  # a TypeError inside
     "not a kubeconfig (a mapping with clusters, contexts, users and current-context)"),
    ("current-context: staging\ncontexts:\n- name: staging\nusers: [{user: {token: kubeconfig-canary-token}}]\n",
     "Invalid kube-config file. Expected key context"),
])
def test_a_kubeconfig_that_is_not_one_is_one_line_exit_2(tmp_path, content, reason):
    (tmp_path / "kubeconfig").write_text(content)
    code, output = deploy(tmp_path, "--dry-run=server", env={"KUBECONFIG": str(tmp_path / "kubeconfig")})
    assert code == 2 and "internal error" not in output and "canary" not in output
    assert output.splitlines()[-1] == f"error: cannot read the kubeconfig {tmp_path / 'kubeconfig'}: {reason}"


def secret_from(tmp_path, path) -> str:
    return kube_table().replace('WEBHOOK_SECRET = "env:STAGING_WEBHOOK_SECRET"', f'WEBHOOK_SECRET = "file:{path}"')


def test_a_secret_file_that_never_ends_is_refused_unread(tmp_path):
    code, output = deploy(tmp_path, "--dry-run=client", table=secret_from(tmp_path, "/dev/zero"))
    assert (code, output.splitlines()[-1]) == (2, "error: secret WEBHOOK_SECRET: /dev/zero is not a regular file")


def test_a_fifo_as_a_secret_file_does_not_wait_for_a_writer(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    code, output = deploy(tmp_path, "--dry-run=client", table=secret_from(tmp_path, tmp_path / "pipe"))
    assert code == 2
    assert output.splitlines()[-1] == f"error: secret WEBHOOK_SECRET: {tmp_path / 'pipe'} is not a regular file"


def test_a_secret_file_over_1_mib_is_refused_without_its_content(tmp_path):
    (tmp_path / "big").write_bytes(b"canary-" * (200 * 1024))
    code, output = deploy(tmp_path, "--dry-run=client", table=secret_from(tmp_path, tmp_path / "big"))
    assert code == 2
    assert output.splitlines()[-1] == (f"error: secret WEBHOOK_SECRET: {tmp_path / 'big'} is larger than 1024 KiB; "
                                       "a secret file holds one value")
    assert "canary" not in output
