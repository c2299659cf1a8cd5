"""A credential of a published format (masking.KNOWN_TOKENS) is a literal secret wherever it is written:
in a committed env file (ENV001), a Dockerfile ENV/ARG (DOCKER003) or a compose service's environment
(COMPOSE003), whatever the variable is called. Before, those three judged by the name alone, and a
GitHub token under ``NOTE=`` or ``X:`` passed; only CI012 in workflows looked at the value."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from infractl import cli

GITHUB = "ghp_" + "Ab1" * 12
AWS = "AKIA" + "QX7Z" * 4


def test_a_token_is_a_literal_secret_whatever_its_name(tmp_path):
    (tmp_path / ".env").write_text(f"NOTE={GITHUB}\nPLAIN=hello\n")
    (tmp_path / "Dockerfile").write_text(f'FROM python:3.11.7-slim\nENV HELPER_NOTE="{GITHUB}"\nARG GREETING=hi\n'
                                         'USER app\nCMD ["python", "-m", "app"]\n')
    (tmp_path / "compose.yml").write_text("services:\n  web:\n    image: nginx:1.25.3\n    environment:\n"
                                          f'      DEPLOY_NOTE: "use {GITHUB} for the registry"\n      X: {AWS}\n'
                                          "      Y: plain\n")
    result = CliRunner().invoke(cli.app, ["check", str(tmp_path), "--format", "json"])
    assert result.exit_code == 1, result.output
    assert GITHUB not in result.output and AWS not in result.output
    found = sorted((f["rule"], f["line"]) for f in json.loads(result.output)["findings"]
                   if f["rule"] in ("ENV001", "DOCKER003", "COMPOSE003"))
    assert found == [("COMPOSE003", 5), ("COMPOSE003", 6), ("DOCKER003", 2), ("ENV001", 1)]
