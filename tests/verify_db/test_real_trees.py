"""Real third-party Alembic trees from PyPI (tests/support/alembic_trees.py): each is applied with real
``alembic upgrade heads`` to a throwaway PostgreSQL database, the live check of that database is the
truth, and the static reader must agree on every checked column or report it as not followed (DB010):
zero silent misses. The wheels are downloaded once into the machine-wide test cache.
"""

from __future__ import annotations

import uuid

import pytest
from support.alembic_trees import TREES, TreeUnavailable, prepare_tree
from support.static_vs_live import compare, upgrade

from infractl.verify_db.rules import RuleSettings
from infractl.verify_db.static.chain import check_migrations

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

# Every timestamp column, whatever its name (CKAN's are ``created``, ``metadata_modified``, ...).
EVERY_TIMESTAMP = RuleSettings(patterns=("*",), optional_when_nullable=False)
# What each tree must at least contain, so that a broken download or extraction cannot pass quietly.
MINIMUM = {"ckan": (100, 20), "argilla": (20, 25)}  # revisions, checked columns


@pytest.fixture(params=sorted(TREES))
def tree(request):
    try:
        return prepare_tree(request.param)
    except TreeUnavailable as exc:
        pytest.skip(str(exc))


def test_static_reader_has_no_silent_miss_on_a_real_tree(tree, pg_cluster):
    name = f"infractl_tree_{uuid.uuid4().hex[:10]}"
    url = pg_cluster.create_database(name)
    try:
        upgrade(tree.versions, url, tree.paths)
        result = compare(tree.versions, url, EVERY_TIMESTAMP)
    finally:
        pg_cluster.drop_database(name)
    revisions, columns = MINIMUM[tree.name]
    assert tree.revision_count() >= revisions
    assert result.checked >= columns, result.summary()
    assert result.misses == [], result.summary()
    assert result.agreed + result.not_followed == result.checked
    print(f"{tree.name}: {tree.revision_count()} revisions, {result.summary()}")


def test_the_prepared_tree_runs_with_its_own_alembic_ini(tree, pg_cluster):
    """What the replay benchmark relies on: ``alembic -c TREE/alembic.ini -x url=... upgrade heads``."""
    import subprocess
    import sys

    name = f"infractl_tree_{uuid.uuid4().hex[:10]}"
    url = pg_cluster.create_database(name)
    try:
        result = subprocess.run([sys.executable, "-m", "alembic", "-c", str(tree.ini), "-x", f"url={url}",
                                 "upgrade", "heads"], capture_output=True, text=True, timeout=600, check=False)
        assert result.returncode == 0, result.stderr[-2000:]
        with pg_cluster.admin_connect(name) as conn:
            applied = conn.execute("SELECT count(*) FROM alembic_version").fetchone()[0]
        _, state = check_migrations(tree.versions, EVERY_TIMESTAMP)
        assert applied == len(state.heads) >= 1
    finally:
        pg_cluster.drop_database(name)


def test_replay_equals_alembic_upgrade_head_checked_live(tree, pg_cluster, tmp_path, monkeypatch):
    """The issue's first "done when": on each real tree, ``--replay`` reports exactly what ``--url`` reports
    on a database that alembic's own ``upgrade head`` built from the same revisions."""
    import json
    import re
    import subprocess
    import sys

    from typer.testing import CliRunner

    from infractl import cli

    def comparable(findings: list[dict]) -> list[tuple]:
        # a frozen constant default differs between two databases by its timestamp
        return sorted((f["rule"], f["path"], re.sub(r"'[^']*'::", "'…'::", f["message"]), f["fix"]) for f in findings)

    monkeypatch.chdir(tmp_path)  # no pyproject.toml here: both runs use the default rules
    monkeypatch.delenv("DATABASE_URL", raising=False)
    runner = CliRunner()
    name = f"infractl_tree_{uuid.uuid4().hex[:10]}"
    url = pg_cluster.create_database(name)
    try:
        upgraded = subprocess.run([sys.executable, "-m", "alembic", "-c", str(tree.ini), "-x", f"url={url}",
                                   "upgrade", "head"], capture_output=True, text=True, timeout=600, check=False)
        assert upgraded.returncode == 0, upgraded.stderr[-2000:]
        live = runner.invoke(cli.app, ["verify-db", "--url", url, "--json"])
    finally:
        pg_cluster.drop_database(name)
    replay = runner.invoke(cli.app, ["verify-db", "--migrations", str(tree.root), "--replay", "--scratch-url",
                                     pg_cluster.url(), "--json"])
    assert live.exit_code in (0, 1) and replay.exit_code == live.exit_code, replay.output
    live_doc, replay_doc = json.loads(live.stdout), json.loads(replay.stdout)
    assert replay_doc["summary"]["replayed_revisions"] == tree.revision_count()
    assert replay_doc["summary"]["columns"] == live_doc["summary"]["columns"]
    assert comparable(replay_doc["findings"]) == comparable(live_doc["findings"])
    print(f"{tree.name}: replay = live on {live_doc['summary']['columns']} columns, "
          f"{len(live_doc['findings'])} findings")
