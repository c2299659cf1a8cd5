"""deploy is guarded by what it deploys to, not by what the environment is called: the kube context, its
cluster's server and the registry are compared with the declared ones and with the production patterns
(default `prod`); the context is checked first, before the registry or anything else is contacted."""

from __future__ import annotations

import json

from conftest import SECRET_VALUES, assert_no_secret, drive_rollout, kube_table, needs_docker, write_config
from support.registry import free_port
from typer.testing import CliRunner

from infractl.cli import app

DONE = lambda gen: {"observedGeneration": gen, "replicas": 2, "updatedReplicas": 2,
                    "readyReplicas": 2, "availableReplicas": 2}


def table_for(env: str, context: str, extra: str = "", **kwargs) -> str:
    return (kube_table(extra=extra, **kwargs).replace('context = "staging"', f'context = "{context}"')
            .replace("deploy.staging.secrets", f"deploy.{env}.secrets"))


def deploy(tmp_path, fake_api, env: str, table: str, current: str, *args):
    config = write_config(tmp_path / "pyproject.toml", env, table)
    kubeconfig = fake_api.kubeconfig(tmp_path / "kubeconfig", context=current, current=current)
    result = CliRunner().invoke(app, ["deploy", env, "--config", str(config), "--skip-build", "--tag",
                                      "deploy-test", *args],
                                env={"KUBECONFIG": str(kubeconfig), "INFRACTL_ROLLOUT_POLL": "0.1", **SECRET_VALUES})
    assert_no_secret(result.output)
    return result


def test_a_staging_environment_whose_context_is_production_needs_yes(tmp_path, fake_api):
    result = deploy(tmp_path, fake_api, "staging", table_for("staging", "production"), "production")
    assert result.exit_code == 2, result.output
    assert result.output.splitlines()[-1] == (
        "error: staging deploys to what looks like production (kube context 'production' matches 'prod'): "
        "deploying there needs --yes (nothing was changed)")
    assert fake_api.requests == []  # not even the version: nothing was contacted


@needs_docker
def test_an_environment_not_literally_called_staging_deploys_without_yes(tmp_path, fake_api, local_image):
    drive_rollout(fake_api, DONE)
    result = deploy(tmp_path, fake_api, "aos-staging", table_for("aos-staging", "aos-staging"), "aos-staging",
                    "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["rolled_out"] == ["Deployment/webhook-receiver"]
    assert report["steps"][0]["detail"].startswith(f"kube context aos-staging, cluster server {fake_api.url}, ")


def test_an_environment_named_production_needs_yes(tmp_path, fake_api):
    result = deploy(tmp_path, fake_api, "production", table_for("production", "staging"), "staging")
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == (
        "error: production deploys to what looks like production (environment 'production' matches 'prod'): "
        "deploying there needs --yes (nothing was changed)")
    assert fake_api.requests == []


def test_a_cluster_server_other_than_the_declared_one_is_refused(tmp_path, fake_api):
    table = table_for("staging", "staging", extra='cluster_server = "https://staging.k8s.example:6443"\n')
    result = deploy(tmp_path, fake_api, "staging", table, "staging")
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == (
        f"error: context 'staging' points at cluster '{fake_api.url}', but staging declares cluster_server = "
        "'https://staging.k8s.example:6443' (nothing was changed)")
    assert fake_api.requests == []


def test_a_cluster_server_matching_a_configured_pattern_needs_yes(tmp_path, fake_api):
    # The fake cluster's server is on 127.0.0.1: a project that calls that production is believed.
    table = table_for("staging", "staging", extra=f'cluster_server = "{fake_api.url}"\n'
                      'production_patterns = ["^prd-", "^http://127[.]"]\n')
    result = deploy(tmp_path, fake_api, "staging", table, "staging")
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == (
        f"error: staging deploys to what looks like production (cluster server '{fake_api.url}' matches "
        "'^http://127[.]'): deploying there needs --yes (nothing was changed)")
    assert fake_api.requests == []


def test_a_registry_that_looks_like_production_needs_yes(tmp_path, fake_api):
    table = table_for("staging", "staging", registry="registry.prod.example")
    result = deploy(tmp_path, fake_api, "staging", table, "staging")
    assert result.exit_code == 2
    assert "(registry 'registry.prod.example' matches 'prod')" in result.output.splitlines()[-1]


def test_the_context_is_checked_before_the_registry(tmp_path, fake_api):
    # Pushing to a registry that is down, with the wrong context selected: the context is the error shown.
    table = table_for("staging", "staging", registry=f"127.0.0.1:{free_port()}", push=True)
    result = deploy(tmp_path, fake_api, "staging", table, "production", "--json")
    assert result.exit_code == 2
    assert json.loads(result.stdout)["error"] == (
        "the selected kube context is 'production', but staging deploys to 'staging': run "
        "'kubectl config use-context staging' (nothing was changed)")
    assert fake_api.requests == []


def test_yes_lets_a_production_context_through_the_guard(tmp_path, fake_api):
    fake_api.server.shutdown()  # past the guard, the next stop is the cluster: unreachable here on purpose
    result = deploy(tmp_path, fake_api, "staging", table_for("staging", "production"), "production", "--yes")
    assert result.exit_code == 2
    assert "looks like production" not in result.output
    assert "error: the cluster of context 'production' is not reachable" in result.output


def test_bad_production_patterns_are_a_settings_error(tmp_path, fake_api):
    table = table_for("staging", "staging", extra='production_patterns = ["(unclosed"]\n')
    result = deploy(tmp_path, fake_api, "staging", table, "staging")
    assert result.exit_code == 2
    assert "production_patterns: '(unclosed' is not a regular expression" in result.output
