"""KUBECONFIG=a:b is read as kubectl reads it: the files merged, the first to name a cluster, context or user
(or to set current-context) winning, missing files skipped, relative paths resolved beside their file."""

from __future__ import annotations

import os

import pytest
import yaml
from conftest import SECRET_VALUES, assert_no_secret, kube_table, write_config
from typer.testing import CliRunner

from infractl.cli import app
from infractl.errors import InfractlError


def write(path, document) -> str:
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    return str(path)


def test_first_file_wins_per_name_and_for_current_context(tmp_path):
    from infractl.deploy.targets.kubeconfig import active_context, load_merged

    first = write(tmp_path / "a", {
        "current-context": "staging",
        "contexts": [{"name": "staging", "context": {"cluster": "stage", "user": "me"}}],
        "clusters": [{"name": "stage", "cluster": {"server": "https://stage.example",
                                                    "certificate-authority": "certs/ca.pem"}}]})
    (tmp_path / "sub").mkdir()
    second = write(tmp_path / "sub" / "config", {
        "current-context": "production",
        "contexts": [{"name": "production", "context": {"cluster": "prd", "user": "me"}}],
        "clusters": [{"name": "stage", "cluster": {"server": "https://shadowed.example"}},
                     {"name": "prd", "cluster": {"server": "https://prd.example"}}],
        "users": [{"name": "me", "user": {"client-certificate": "me.crt", "client-key": "/abs/me.key"}}]})
    merged = load_merged([tmp_path / "a", tmp_path / "missing", tmp_path / "sub" / "config"])
    assert merged["current-context"] == "staging"
    assert [c["name"] for c in merged["clusters"]] == ["stage", "prd"]
    assert merged["clusters"][0]["cluster"] == {"server": "https://stage.example",
                                                "certificate-authority": str(tmp_path / "certs" / "ca.pem")}
    assert merged["users"][0]["user"] == {"client-certificate": str(tmp_path / "sub" / "me.crt"), "client-key": "/abs/me.key"}
    active = active_context(merged, f"{first}:{second}")
    assert (active.name, active.cluster, active.server) == ("staging", "stage", "https://stage.example")


def test_a_broken_second_file_is_one_line_naming_it(tmp_path):
    from infractl.deploy.targets.kubeconfig import load_merged

    write(tmp_path / "a", {"current-context": "staging"})
    (tmp_path / "b").write_text("users: [{name: u, user: {token: kubeconfig-canary-token}}\n")
    with pytest.raises(InfractlError) as caught:
        load_merged([tmp_path / "a", tmp_path / "b"])
    assert str(caught.value) == f"cannot read the kubeconfig {tmp_path / 'b'}: not valid YAML (line 2, column 1)"


def test_deploy_reads_a_context_split_across_two_files(tmp_path, fake_api):
    """The context and current-context in one file, the cluster and user in another (kubectl's own layout
    when each cluster's credentials live in their own file)."""
    full = yaml.safe_load(fake_api.kubeconfig(tmp_path / "full").read_text())
    first = write(tmp_path / "contexts", {"current-context": "staging", "contexts": full["contexts"]})
    second = write(tmp_path / "credentials", {"current-context": "production", "clusters": full["clusters"],
                                              "users": full["users"]})
    config = write_config(tmp_path / "pyproject.toml", "staging", kube_table())
    result = CliRunner().invoke(app, ["deploy", "staging", "--config", str(config), "--skip-build", "--tag",
                                      "deploy-test", "--dry-run=server"],
                                env={"KUBECONFIG": f"{first}{os.pathsep}{second}", **SECRET_VALUES})
    assert_no_secret(result.output)
    assert "context staging, cluster server " + fake_api.url in result.output
    # preflight reached the cluster through the merged config (the first file alone names no cluster)
    assert "cluster v1.33.0-fake up" in result.output, result.output
