"""Issue 18, item 3: committed env files with secret-looking keys (ENV001-ENV003), check's envfiles area.
"Committed" is what git tracks in a repository, else what is present and not ignored; the value is never
shown, in any output format."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from infractl import cli

REAL = "c41e7a09b2d35f8e6a1c90d4b7e23f58"  # what a generated SECRET_KEY looks like (not the rule's example)
DB_PASSWORD = "Zq8vK2mT4xw"
PLACEHOLDER = "replace-me-Qx7731"  # a placeholder no rule's documentation holds
# fastapi/full-stack-fastapi-template's committed .env, trimmed: changethis values read by compose.yml
TEMPLATE_ENV = """\
DOMAIN=localhost
ENVIRONMENT=local
PROJECT_NAME="Full Stack FastAPI Project"
SECRET_KEY=changethis
FIRST_SUPERUSER=admin@example.com
FIRST_SUPERUSER_PASSWORD=changethis
SMTP_PASSWORD=
POSTGRES_USER=postgres
POSTGRES_PASSWORD=changethis
SENTRY_DSN=
"""
COMPOSE = "services:\n  backend:\n    image: backend:1.2.3\n    environment:\n" \
          "      - SECRET_KEY=${SECRET_KEY?Variable not set}\n"


def check(root: Path, *args: str, env: dict | None = None):
    old = Path.cwd()
    os.chdir(root)
    try:
        return CliRunner().invoke(cli.app, ["check", ".", "--select", "ENV", *args], env=env)
    finally:
        os.chdir(old)


def found(root: Path) -> list[tuple[str, str, int | None]]:
    result = check(root, "--json")
    assert result.exit_code in (0, 1), result.output
    return sorted((f["rule"], f["path"], f["line"]) for f in json.loads(result.stdout)["findings"])


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
                   check=True, capture_output=True)


def test_the_templates_committed_env_is_three_placeholder_warnings(tmp_path):
    (tmp_path / ".env").write_text(TEMPLATE_ENV)
    (tmp_path / "compose.yml").write_text(COMPOSE)
    assert found(tmp_path) == [("ENV002", ".env", 4), ("ENV002", ".env", 6), ("ENV002", ".env", 9)]
    result = check(tmp_path, "--json")
    assert result.exit_code == 0  # warnings: the deploy may override them
    message = json.loads(result.stdout)["findings"][0]["message"]
    assert message.startswith("SECRET_KEY holds a placeholder (value not shown) and compose.yml reads this file")


def test_in_a_repository_only_what_git_tracks_is_committed(tmp_path):
    git(tmp_path, "init", "-q")
    (tmp_path / ".env").write_text(f"SECRET_KEY={REAL}\n")  # tracked, then listed in .gitignore: still committed
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "prod.env").write_text(f"DATABASE_URL=postgresql://app:{DB_PASSWORD}@db/app\n")
    git(tmp_path, "add", ".env", "deploy/prod.env")
    git(tmp_path, "commit", "-qm", "env")
    (tmp_path / ".gitignore").write_text(".env\n.env.local\n")
    (tmp_path / ".env.local").write_text(f"API_TOKEN={REAL}\n")  # the developer's own, ignored
    (tmp_path / "backend").mkdir()
    (tmp_path / "backend" / ".env").write_text(f"API_TOKEN={REAL}\n")  # untracked: not committed (yet)
    assert found(tmp_path) == [("ENV001", ".env", 1), ("ENV001", "deploy/prod.env", 1)]


def test_outside_a_repository_present_and_not_ignored_is_committed(tmp_path):
    (tmp_path / ".gitignore").write_text(".env\n")
    (tmp_path / ".env").write_text(f"SECRET_KEY={REAL}\n")
    (tmp_path / "staging.env").write_text(f"export STRIPE_API_KEY='{REAL}'  # from the dashboard\n")
    (tmp_path / ".envrc").write_text(f"export GITHUB_TOKEN={REAL}\n")  # direnv's, not an env file
    assert found(tmp_path) == [("ENV001", "staging.env", 1)]


def test_an_example_is_judged_as_a_placeholder_only_when_compose_reads_it(tmp_path):
    (tmp_path / ".env.example").write_text("SECRET_KEY=changethis\nPOSTGRES_PASSWORD=<your password>\n")
    (tmp_path / "backend").mkdir()
    (tmp_path / "backend" / "sample.env").write_text("SECRET_KEY=replace-me\n")
    assert found(tmp_path) == []  # nobody reads them: that is what examples are for
    (tmp_path / "compose.yml").write_text(COMPOSE + "    env_file: [{path: ./backend/sample.env, required: false}]\n")
    assert found(tmp_path) == [("ENV002", "backend/sample.env", 1)]
    (tmp_path / ".env.example").write_text(f"SECRET_KEY={REAL}\n")  # an example with a real-looking value
    assert found(tmp_path) == [("ENV001", ".env.example", 1), ("ENV002", "backend/sample.env", 1)]


@pytest.mark.parametrize(("line", "rule"), [
    (f"SECRET_KEY={REAL}", "ENV001"), (f'SECRET_KEY="{REAL}"', "ENV001"), (f"AWS_SECRET_ACCESS_KEY = {REAL}", "ENV001"),
    (f"OPENAI_API_KEY={REAL}", "ENV001"), (f"SENDGRID_KEY={REAL}", "ENV001"),
    (f"DATABASE_URL=postgresql+psycopg://app:{DB_PASSWORD}@db:5432/app", "ENV001"),
    ("DATABASE_URL=postgresql://app:changethis@db:5432/app", "ENV002"), ("POSTGRES_PASSWORD=postgres", "ENV002"),
    ("SECRET_KEY=django-insecure-8f2k", "ENV002"), ("JWT_SECRET=********", "ENV002"), ("API_TOKEN=xxxxxxxx", "ENV002"),
    ("SECRET_KEY=", None), ("SECRET_KEY=${SECRET_KEY}", None), ("DATABASE_URL=postgresql://app@db/app", None),
    ("DATABASE_URL=postgresql://app:${PW:?set}@db/app", None), (f"# SECRET_KEY={REAL}", None),
    (f"NEXT_PUBLIC_SUPABASE_ANON_KEY={REAL}", None), (f"STRIPE_PUBLISHABLE_KEY={REAL}", None),
    ("POSTGRES_PASSWORD_FILE=/run/secrets/pg", None), (f"GIT_SHA={REAL}", None), (f"KEY={REAL}", None),
    ("PIHOLE_PW=changeme", "ENV002"), (f"SMTP_PASS={REAL}", "ENV001"), (f"MYSQL_PWD={REAL}", "ENV001"),
    ("PWD=/srv/app", None), ("SSL_PASSTHROUGH=true", None),  # awesome-compose's shapes
])
def test_keys_and_values(tmp_path, line, rule):
    (tmp_path / ".env").write_text(f"PROJECT=web\n{line}\n")
    (tmp_path / "compose.yml").write_text(COMPOSE)
    assert found(tmp_path) == ([(rule, ".env", 2)] if rule else [])


@pytest.mark.parametrize("fmt", ["table", "json", "sarif", "github"])
def test_no_value_is_shown_in_any_format_nor_in_a_debug_run(tmp_path, fmt):
    (tmp_path / ".env").write_text(f"SECRET_KEY={REAL}\nDATABASE_URL=postgresql://app:{DB_PASSWORD}@db/app\n"
                                   f"POSTGRES_PASSWORD={PLACEHOLDER}\n")
    (tmp_path / "compose.yml").write_text(COMPOSE)
    result = check(tmp_path, "--format", fmt, env={"INFRACTL_DEBUG": "1", "COLUMNS": "300"})
    assert result.exit_code == 1, result.output
    output = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert "SECRET_KEY" in output and "DATABASE_URL" in output and "POSTGRES_PASSWORD" in output
    for secret in (REAL, REAL[:8], REAL[-8:], DB_PASSWORD, PLACEHOLDER):
        assert secret not in output, (secret, fmt)


def test_a_git_that_cannot_answer_is_an_error_and_the_files_are_still_judged(tmp_path):
    git(tmp_path, "init", "-q")
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "git").write_text("#!/bin/sh\necho \"fatal: detected dubious ownership in repository\" >&2\nexit 128\n")
    (fake / "git").chmod(0o755)
    result = check(tmp_path, "--json", env={"PATH": f"{fake}:{os.environ['PATH']}"})
    assert json.loads(result.stdout)["areas"]["envfiles"] == (  # no env file: nothing to judge
        "nothing found: looked for .env, *.env and .env.* files (committed: tracked by git, else not ignored) under .")
    (tmp_path / ".env").write_text(f"SECRET_KEY={REAL}\n")
    result = check(tmp_path, "--json", env={"PATH": f"{fake}:{os.environ['PATH']}"})
    findings = json.loads(result.stdout)["findings"]
    assert [(f["rule"], f["path"]) for f in findings] == [("ENV003", "."), ("ENV001", ".env")]
    assert "exit 128: fatal: detected dubious ownership" in findings[0]["message"]
    assert result.exit_code == 1


def test_an_env_file_too_big_to_read_is_a_finding_on_it(tmp_path):
    (tmp_path / "huge.env").write_text("A=1\n" * 300_000)
    assert found(tmp_path) == [("ENV003", "huge.env", None)]


def test_check_lists_the_area(tmp_path):
    (tmp_path / ".env").write_text(TEMPLATE_ENV)
    result = check(tmp_path, "--json")
    assert json.loads(result.stdout)["areas"]["envfiles"] == "1 committed env files (0 read by compose)"
    assert found(tmp_path) == []  # no compose file reads it: placeholders are not proven to be used


@pytest.mark.parametrize("in_git", [True, False])
def test_the_manifests_exclude_globs_apply_from_the_project_root(tmp_path, in_git):
    (tmp_path / "pyproject.toml").write_text('[tool.infractl.manifests]\nexclude = ["tests/fixtures/**"]\n')
    for name in ("tests/fixtures/.env", "app/.env"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(f"SECRET_KEY={REAL}\n")
    if in_git:
        git(tmp_path, "init", "-q")
        git(tmp_path, "add", ".")
    assert found(tmp_path) == [("ENV001", "app/.env", 1)]
    result = check(tmp_path / "tests", "--json")  # a subdirectory: the globs still count from the root
    assert json.loads(result.stdout)["findings"] == []


def test_a_noqa_comment_on_the_line_keeps_its_reason_and_drops_the_finding(tmp_path):
    (tmp_path / ".env").write_text("SECRET_KEY=changethis  # noqa: ENV002 (local development only)\n"
                                   "POSTGRES_PASSWORD=changethis\n")
    (tmp_path / "compose.yml").write_text(COMPOSE)
    assert found(tmp_path) == [("ENV002", ".env", 2)]
