"""[tool.infractl.deploy.ENV] validation, secret sources, placeholders and the --yes guard."""

from __future__ import annotations

import re

import pytest
from conftest import SECRET_VALUES, kube_table
from typer.testing import CliRunner

from infractl.cli import app
from infractl.config import load_config
from infractl.deploy.secrets import is_placeholder, resolve_secrets
from infractl.deploy.settings import load_settings
from infractl.errors import InfractlError


def settings_of(tmp_path, text, env="staging"):
    (tmp_path / "pyproject.toml").write_text(text)
    return load_settings(load_config(explicit=tmp_path / "pyproject.toml"), env)


def test_kubernetes_table_is_read(tmp_path):
    settings = settings_of(tmp_path, "[tool.infractl.deploy.staging]\n" + kube_table(push=True))
    assert (settings.kind, settings.context, settings.namespace) == ("kubernetes", "staging", "aos-staging")
    assert settings.repository == "127.0.0.1:5999/webhook-receiver" and settings.rollout_timeout == 20
    assert [s.key for s in settings.secrets] == ["DATABASE_URL", "WEBHOOK_SECRET"]


@pytest.mark.parametrize(("table", "message"), [
    ('kind = "compose"\nimage = "x"\ncontext = "c"\n', "unknown key 'context'"),
    ('kind = "swarm"\nimage = "x"\n', "kind must be one of kubernetes, compose"),
    ('kind = "compose"\n', "image is required"),
    ('kind = "kubernetes"\nimage = "x"\ncontext = "c"\nnamespace = "n"\nmanifests = "m"\n', "registry is required"),
    ('kind = "compose"\nimage = "x"\nsecrets = { TOKEN = "hunter2" }\n', "secret values never live in the repository"),
    ('kind = "compose"\nimage = "x"\nbuild = { context = ".", dockerfle = "D" }\n', "unknown key 'dockerfle'"),
    ('kind = "compose"\nimage = "x"\n[[tool.infractl.deploy.staging.smoke]]\nname = "a"\n',
     "give either url or service + port"),
    (kube_table() + '[[tool.infractl.deploy.staging.smoke]]\nservice = "web"\nport = 80\n',
     "smoke checks of kind = \"kubernetes\" need url"),
    ('kind = "compose"\nimage = "x"\ncompose_file = "a.yml"\ncompose_files = ["a.yml", "b.yml"]\n',
     "give compose_file or compose_files, not both"),
    ('kind = "compose"\nimage = "x"\ncompose_files = []\n', "compose_files must be a non-empty list of paths"),
    ('kind = "compose"\nimage = "x"\ncompose_files = "a.yml"\n', "compose_files must be a non-empty list of paths"),
])
def test_bad_tables_are_errors(tmp_path, table, message):
    with pytest.raises(InfractlError, match=re.escape(message)) as caught:
        settings_of(tmp_path, "[tool.infractl.deploy.staging]\n" + table)
    assert "hunter2" not in str(caught.value)


def test_compose_files_keep_their_order(tmp_path):
    settings = settings_of(tmp_path, '[tool.infractl.deploy.staging]\nkind = "compose"\nimage = "x"\n'
                                     'compose_files = ["compose.yml", "deploy/compose.prod.yml"]\n')
    assert settings.compose_files == (tmp_path / "compose.yml", tmp_path / "deploy" / "compose.prod.yml")
    assert settings.compose_file == tmp_path / "compose.yml"  # compose's project directory is the first's
    one = settings_of(tmp_path, '[tool.infractl.deploy.staging]\nkind = "compose"\nimage = "x"\n')
    assert one.compose_files == (tmp_path / "docker-compose.staging.yml",)


def test_unknown_environment_lists_the_known_ones(tmp_path):
    with pytest.raises(InfractlError, match=r"no \[tool.infractl.deploy.prod\].*environments: staging"):
        settings_of(tmp_path, "[tool.infractl.deploy.staging]\n" + kube_table(), env="prod")


@pytest.mark.parametrize("value", ["", "  ", "changeme", "CHANGE_ME", "REPLACE_ME", "<your token>", "TODO"])
def test_placeholders(value):
    assert is_placeholder(value)


@pytest.mark.parametrize("value", ["whsec_a8f3k2", "postgresql://u:p@h/db", "change-me-not-really-1"])
def test_real_values_are_not_placeholders(value):
    assert not is_placeholder(value)


def test_secret_from_file_and_placeholder_refused(tmp_path):
    (tmp_path / "token").write_text("REPLACE_ME\n")
    settings = settings_of(tmp_path, '[tool.infractl.deploy.staging]\nkind = "compose"\nimage = "x"\n'
                           f'secrets = {{ TOKEN = "file:{tmp_path / "token"}" }}\n')
    with pytest.raises(InfractlError, match=r"secret TOKEN \(file .*token\) holds an empty or placeholder value"):
        resolve_secrets(settings, {})
    (tmp_path / "token").write_text("s3cr3t-from-file\n")
    assert resolve_secrets(settings, {}) == {"TOKEN": "s3cr3t-from-file"}
    assert "s3cr3t" not in repr(resolve_secrets(settings, {}))


def test_placeholder_secret_through_the_cli_exits_2(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.infractl.deploy.staging]\n" + kube_table())
    env = {**SECRET_VALUES, "STAGING_WEBHOOK_SECRET": "changeme"}
    result = CliRunner().invoke(app, ["deploy", "staging", "--config", str(tmp_path / "pyproject.toml"),
                                      "--dry-run=client", "--skip-build", "--tag", "t"], env=env)
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1] == ("error: secret WEBHOOK_SECRET (environment variable "
                                                      "STAGING_WEBHOOK_SECRET) holds an empty or placeholder "
                                                      "value; set the real one")

