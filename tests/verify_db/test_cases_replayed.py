"""Every static case, checked against the truth: its revisions run by real ``alembic upgrade heads`` on a
throwaway PostgreSQL database, then the live catalog check. The static reader must agree on every
checked column, or report it as not followed (DB010): no silent miss.

A case's ``expected.json`` may say ``"replay": "fails"`` (PostgreSQL must reject the migration: the
upgrade is asserted to fail) or ``"replay": false`` (its revisions import packages that are not here).
"""

from __future__ import annotations

import json
import uuid

import pytest
from support.static_vs_live import compare, upgrade
from verify_db.test_live import execute
from verify_db.test_migrations_cases import CASES, load_case

pytestmark = pytest.mark.postgres

REPLAYED = [c for c in CASES if "error" not in json.loads((c / "expected.json").read_text())
            and json.loads((c / "expected.json").read_text()).get("replay", True) is not False]


@pytest.fixture
def case_database(pg_cluster):
    name = f"infractl_case_{uuid.uuid4().hex[:10]}"
    url = pg_cluster.create_database(name)
    try:
        yield url
    finally:
        pg_cluster.drop_database(name)


@pytest.mark.parametrize("case", REPLAYED, ids=[c.name for c in REPLAYED])
def test_static_agrees_with_the_database_alembic_builds(case, case_database):
    from infractl.verify_db.static.chain import load_state

    expected, versions, settings = load_case(case)
    schemas = sorted({key.split(".")[0] for key in load_state(versions).tables if "." in key})
    if schemas:
        execute(case_database, *(f'CREATE SCHEMA IF NOT EXISTS "{s}"' for s in schemas))
    if expected.get("replay") == "fails":
        with pytest.raises(Exception, match="invalid input syntax"):
            upgrade(versions, case_database, (case,))
        return
    upgrade(versions, case_database, (case,))
    # Every timestamp column, not only the ones the case's patterns pick.
    wide = settings._replace(patterns=("*",), optional_when_nullable=False)
    result = compare(versions, case_database, wide, ("public", *schemas))
    assert result.checked > 0
    assert result.misses == [], result.summary()
