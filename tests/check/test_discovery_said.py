"""Migrations found wherever alembic.ini's script_location points, and ``check`` saying, per area, what it
looked for and where when it finds nothing (issue 18: a FastAPI template's ``backend/app/alembic/versions``
was never found, and the report said only "3 of 6 areas apply")."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from infractl import cli

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]
VERSIONS = ROOT / "examples" / "webhook-receiver" / "migrations" / "versions"


def _check(path: Path, *flags: str):
    result = runner.invoke(cli.app, ["check", *flags, str(path)])
    assert result.exit_code in (0, 1), result.output
    return result


@pytest.mark.parametrize("location", ["app/alembic", "%(here)s/app/alembic"])
def test_migrations_are_found_where_alembic_ini_points(tmp_path, location):
    backend = tmp_path / "backend"
    shutil.copytree(VERSIONS, backend / "app" / "alembic" / "versions")
    (backend / "alembic.ini").write_text(f"[alembic]\nscript_location = {location}\n")
    doc = json.loads(_check(tmp_path, "--json").stdout)
    assert doc["areas"]["migrations"] == (f"4 Alembic revisions in {backend / 'app' / 'alembic' / 'versions'}")
    assert any(f["rule"] == "DB002" and "app/alembic/versions" in f["path"] for f in doc["findings"])


def test_an_alembic_ini_pointing_nowhere_is_a_finding_not_silence(tmp_path):
    (tmp_path / "alembic.ini").write_text("[alembic]\nscript_location = db/migrations\n")
    doc = json.loads(_check(tmp_path, "--json").stdout)
    [finding] = [f for f in doc["findings"] if f["rule"].startswith("CHK")]
    assert "script_location db/migrations has no versions directory" in finding["message"]


def test_each_area_with_nothing_to_look_at_says_what_it_looked_for_and_where(tmp_path):
    (tmp_path / "README.md").write_text("nothing to check here\n")
    doc = json.loads(_check(tmp_path, "--json").stdout)
    assert doc["areas"]["migrations"] == (
        f"nothing found: looked for alembic.ini here or one directory down (its script_location), "
        f"migrations/versions or alembic/versions "
        f"([tool.infractl.db] migrations) under {tmp_path}")
    assert doc["areas"]["workflows"].startswith("nothing found: looked for .github/workflows/*.yml")
    for name, said in doc["areas"].items():
        assert said.startswith("nothing found: looked for ") and said.endswith(f" under {tmp_path}"), name
    text = _check(tmp_path).stdout
    assert f"migrations  {doc['areas']['migrations']}" in text.splitlines()
