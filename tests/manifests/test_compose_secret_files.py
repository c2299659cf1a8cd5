"""COMPOSE003 (a literal secret in environment:) on a variable that only says where the secret is
(issue 18's corpus: awesome-compose's `MYSQL_ROOT_PASSWORD_FILE=/run/secrets/db-password` in six stacks,
`DATABASE_PASSWORD=/run/secrets/db-password` read with readFileSync): no secret is written there. A
literal beside them is still found."""

from __future__ import annotations

from pathlib import Path

from infractl.manifests.lint import lint_compose

COMPOSE = """\
services:
  db:
    image: mysql:8.4.3
    environment:
      - MYSQL_ROOT_PASSWORD_FILE=/run/secrets/db-password
      - POSTGRES_PASSWORD_FILE=/run/secrets/pg
  backend:
    image: backend:1.2.3
    environment:
      DATABASE_PASSWORD: /run/secrets/db-password
      API_TOKEN_PATH: /etc/app/token
      WEBHOOK_SECRET: whsec_1f2e3d
    secrets: [db-password]
secrets:
  db-password: {file: db/password.txt}
"""


def test_paths_to_secret_files_are_not_literal_secrets_but_a_literal_beside_them_is(tmp_path: Path):
    path = tmp_path / "compose.yaml"
    path.write_text(COMPOSE, encoding="utf-8")
    secrets = [f for f in lint_compose(path) if f.rule == "COMPOSE003"]
    assert [(f.line, f.message) for f in secrets] == [(12, "service backend: WEBHOOK_SECRET is a literal secret")]
