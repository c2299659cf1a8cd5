"""verify-db --replay against real PostgreSQL and real alembic: the project's env.py builds a scratch
database, which is then checked live. Fixture trees: tests/fixtures/migrations/live_fix (its own
env.py) and tests/fixtures/replay/* (a failing migration, a downgrade that does not undo its upgrade,
tables created outside versions/, a slow migration for Ctrl-C)."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest
from typer.testing import CliRunner

from infractl import cli

pytestmark = pytest.mark.postgres

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
LIVE_FIX = FIXTURES / "migrations" / "live_fix"
REPLAY = FIXTURES / "replay"
runner = CliRunner()


def invoke(monkeypatch, tmp_path, *args: str):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    return runner.invoke(cli.app, ["verify-db", *args])


def scratch_databases(cluster) -> set[str]:
    with cluster.admin_connect() as conn:
        rows = conn.execute("SELECT datname FROM pg_database WHERE datname LIKE 'infractl_scratch_%'").fetchall()
    return {row[0] for row in rows}


def comparable(findings: list[dict]) -> list[tuple]:
    """A frozen constant default differs between two databases by its timestamp: compare without it."""
    return sorted((f["rule"], f["path"], re.sub(r"'[^']*'::", "'…'::", f["message"]), f["fix"]) for f in findings)


def test_replay_equals_a_live_check_of_alembic_upgrade_head(pg_cluster, pg_database, tmp_path, monkeypatch):
    from alembic import command
    from alembic.config import Config

    before = scratch_databases(pg_cluster)
    replay = invoke(monkeypatch, tmp_path, "--migrations", str(LIVE_FIX), "--replay", "--scratch-url",
                    pg_cluster.url(), "--json")
    assert replay.exit_code == 1, replay.output
    document = json.loads(replay.stdout)
    assert document["summary"]["replayed_revisions"] == 4
    assert set(document["summary"]["phase_seconds"]) == {"scratch", "upgrade", "check"}
    assert document["source"] == "replay" and pg_cluster.password not in replay.output
    assert scratch_databases(pg_cluster) == before  # created and dropped again
    with pg_cluster.admin_connect() as conn:  # the URL's own database was only connected to
        assert conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()[0] == 0

    # The truth: alembic's own upgrade of the same tree into a database of ours, checked with --url.
    monkeypatch.setenv("DATABASE_URL", pg_database)
    command.upgrade(Config(str(LIVE_FIX / "alembic.ini")), "head")
    monkeypatch.delenv("DATABASE_URL")
    live = invoke(monkeypatch, tmp_path, "--url", pg_database, "--json")
    assert live.exit_code == 1, live.output
    assert comparable(document["findings"]) == comparable(json.loads(live.stdout)["findings"])
    assert {f["rule"] for f in document["findings"]} == {"DB001", "DB002", "DB003", "DB004", "DB006"}


@pytest.fixture
def scratch_parent(tmp_path, monkeypatch):
    """TMPDIR for the throwaway cluster: a directory the server's user can reach, watched for leftovers.
    (After tmp_path, so that pytest's own temp root is not created inside it.)"""
    parent = Path(tempfile.mkdtemp(prefix="infractl-test-", dir="/tmp"))
    parent.chmod(0o755)  # the server's user (postgres, when we are root) must reach it
    monkeypatch.setenv("TMPDIR", str(parent))
    tempfile.tempdir = None  # re-read TMPDIR
    yield parent
    tempfile.tempdir = None
    shutil.rmtree(parent, ignore_errors=True)


def test_default_scratch_cluster_is_removed_and_sarif_names_columns(scratch_parent, tmp_path, monkeypatch):
    result = invoke(monkeypatch, tmp_path, "--migrations", str(LIVE_FIX), "--replay", "--format", "sarif")
    assert result.exit_code == 1, result.output
    assert list(scratch_parent.iterdir()) == []  # the cluster's directory is gone
    results = json.loads(result.stdout)["runs"][0]["results"]
    locations = [loc for r in results for loc in r["locations"]]
    assert all(set(loc) == {"logicalLocations"} for loc in locations)  # no fake artifactLocation
    names = {loc["logicalLocations"][0]["fullyQualifiedName"] for loc in locations}
    assert "public.customers.created_at" in names
    assert {loc["logicalLocations"][0]["kind"] for loc in locations} == {"column"}
    fixes = [r["message"]["text"] for r in results if r["ruleId"] == "DB001"]
    assert any("ALTER TABLE public.customers ALTER COLUMN created_at SET DEFAULT now()" in t
               and "--fix-migration DIR" in t for t in fixes)


def test_default_scratch_cluster_is_removed_after_a_failing_migration(scratch_parent, tmp_path, monkeypatch):
    result = invoke(monkeypatch, tmp_path, "--migrations", str(REPLAY / "failing"), "--replay")
    assert result.exit_code == 2 and "migration f1a0000000002" in result.stderr, result.output
    assert list(scratch_parent.iterdir()) == []


def test_keep_leaves_the_cluster_running_with_working_instructions(scratch_parent, tmp_path, monkeypatch):
    import psycopg

    result = invoke(monkeypatch, tmp_path, "--migrations", str(LIVE_FIX), "--replay", "--keep", "--json")
    kept = json.loads(result.stdout)["kept"]
    [base] = list(scratch_parent.glob("infractl-scratch-*"))
    try:
        assert result.exit_code == 1 and ":***@127.0.0.1:" in kept["url"]
        password = (base / "pwfile").read_text().strip()
        assert password not in result.output and kept["message"] in result.stderr
        port = int(kept["url"].rsplit(":", 1)[1].split("/")[0])
        with psycopg.connect(host=str(base), port=port, user="postgres", dbname="postgres") as conn:  # as printed
            assert conn.execute("SELECT count(*) FROM alembic_version").fetchone()[0] == 1
        postmaster = int((base / "data" / "postmaster.pid").read_text().split()[0])
        removed = subprocess.run(kept["remove"], shell=True, capture_output=True, text=True, check=False)
        assert removed.returncode == 0, removed.stderr
        assert not base.exists()
        deadline = time.monotonic() + 10
        while running(postmaster) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not running(postmaster)
    finally:
        if base.exists():  # the printed command failed: stop it the way infractl does
            from infractl.verify_db.replay.scratch import Cluster, find_pg_bin

            owner = str(base.stat().st_uid) if os.geteuid() == 0 else None
            Cluster("127.0.0.1", 0, "postgres", "", base / "data", find_pg_bin(), owner).stop()


def test_failing_migration_is_one_line_with_revision_file_and_message(pg_cluster, tmp_path, monkeypatch):
    before = scratch_databases(pg_cluster)
    result = invoke(monkeypatch, tmp_path, "--migrations", str(REPLAY / "failing"), "--replay",
                    "--scratch-url", pg_cluster.url())
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: migration f1a0000000002 ("), result.stderr
    assert "f1a0000000002_add_column_twice.py" in lines[0]
    assert 'column "updated_at" of relation "orders" already exists' in lines[0]
    assert pg_cluster.password not in result.output and result.stdout == ""
    assert scratch_databases(pg_cluster) == before
    monkeypatch.setenv("INFRACTL_DEBUG", "1")  # the alembic child's traceback too, masked
    debug = invoke(monkeypatch, tmp_path, "--migrations", str(REPLAY / "failing"), "--replay",
                   "--scratch-url", pg_cluster.url())
    assert debug.exit_code == 2 and "psycopg.errors.DuplicateColumn" in debug.stderr
    assert pg_cluster.password not in debug.output


def test_roundtrip_reports_a_downgrade_that_does_not_undo_its_upgrade(pg_cluster, tmp_path, monkeypatch):
    result = invoke(monkeypatch, tmp_path, "--migrations", str(REPLAY / "roundtrip"), "--replay", "--roundtrip",
                    "--scratch-url", pg_cluster.url(), "--json")
    assert result.exit_code == 1, result.output
    document = json.loads(result.stdout)
    mismatches = [f for f in document["findings"] if f["rule"] == "DB201"]
    assert [f["logical_location"]["name"] for f in mismatches] == ["public.events.created_at"]
    assert "first upgrade timestamp with time zone, NOT NULL, now()" in mismatches[0]["message"]
    assert "after the round trip timestamp with time zone, NOT NULL, no default" in mismatches[0]["message"]
    # audit's downgrade is right, and no other rule fires on the first upgrade
    assert [f["rule"] for f in document["findings"]] == ["DB201"]
    assert {"downgrade", "upgrade_again", "check_again"} <= set(document["summary"]["phase_seconds"])


def test_compare_static_reports_where_static_reading_is_blind(pg_cluster, tmp_path, monkeypatch):
    result = invoke(monkeypatch, tmp_path, "--migrations", str(REPLAY / "external_helper"), "--replay",
                    "--compare-static", "--scratch-url", pg_cluster.url(), "--json")
    assert result.exit_code == 1, result.output
    disagreements = {f["message"].split(":")[0]: f for f in json.loads(result.stdout)["findings"]
                     if f["rule"] == "DB202"}
    assert set(disagreements) == {"public.audit_log.created_at", "public.orders.created_at"}
    # created by the project's helper module, outside versions/: static does not see the table at all
    audit = disagreements["public.audit_log.created_at"]["message"]
    assert "static reader does not see it" in audit
    assert "could not follow that may touch any table (DB010), first at e0c0000000001_create_orders.py:23" in audit
    # a default computed at run time: static believes now(), the database has clock_timestamp()
    orders = disagreements["public.orders.created_at"]
    assert "replay DB003" in orders["message"] and "static clean" in orders["message"]
    assert orders["path"].endswith("e0c0000000001_create_orders.py") and orders["line"] == 21
    assert orders["message"].endswith("the static reader reports this table as not followed (DB010)")


def test_scratch_url_refuses_an_existing_database(pg_cluster, tmp_path, monkeypatch):
    name = f"infractl_scratch_taken_{uuid.uuid4().hex[:6]}"
    pg_cluster.create_database(name)
    with pg_cluster.admin_connect(name) as conn:
        conn.execute("CREATE TABLE precious (id int)")
    try:
        result = invoke(monkeypatch, tmp_path, "--migrations", str(LIVE_FIX), "--replay",
                        "--scratch-url", pg_cluster.url(name))
        assert result.exit_code == 2, result.output
        assert f"scratch database '{name}' already exists" in result.stderr and "refusing" in result.stderr
        with pg_cluster.admin_connect(name) as conn:  # still there, untouched
            assert conn.execute("SELECT count(*) FROM pg_tables WHERE tablename = 'precious'").fetchone()[0] == 1
            assert conn.execute("SELECT count(*) FROM pg_tables WHERE tablename = 'orders'").fetchone()[0] == 0
    finally:
        pg_cluster.drop_database(name)


def test_no_server_binaries_and_no_url_is_one_line_naming_both_options(tmp_path, monkeypatch):
    from infractl.verify_db.replay import scratch

    monkeypatch.setattr(scratch, "find_pg_bin", lambda: None)  # stands in for a machine without PostgreSQL
    result = invoke(monkeypatch, tmp_path, "--migrations", str(LIVE_FIX), "--replay")
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "initdb" in lines[0] and "--scratch-url" in lines[0]


def test_keep_leaves_a_reachable_database_and_masks_its_password(pg_cluster, tmp_path, monkeypatch):
    result = invoke(monkeypatch, tmp_path, "--migrations", str(LIVE_FIX), "--replay", "--keep",
                    "--scratch-url", pg_cluster.url(), "--json")
    kept = json.loads(result.stdout)["kept"]
    name = kept["url"].rsplit("/", 1)[1]
    try:
        assert result.exit_code == 1 and name.startswith("infractl_scratch_")
        assert ":***@" in kept["url"] and pg_cluster.password not in result.output
        assert "kept the scratch database" in result.stderr
        with pg_cluster.admin_connect(name) as conn:
            assert conn.execute("SELECT count(*) FROM alembic_version").fetchone()[0] == 1
    finally:
        pg_cluster.drop_database(name)


def test_ctrl_c_during_replay_removes_the_cluster(tmp_path):
    parent = Path(tempfile.mkdtemp(prefix="infractl-test-", dir="/tmp"))
    parent.chmod(0o755)
    marker = tmp_path / "running"
    env = {**os.environ, "TMPDIR": str(parent), "REPLAY_MARKER": str(marker)}
    env.pop("DATABASE_URL", None)
    process = subprocess.Popen([sys.executable, "-m", "infractl", "verify-db", "--migrations",
                                str(REPLAY / "slow"), "--replay"], cwd=tmp_path, env=env, start_new_session=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the slow migration never started"
            time.sleep(0.1)
        [base] = list(parent.glob("infractl-scratch-*"))
        postmaster = int((base / "data" / "postmaster.pid").read_text().split()[0])
        started = time.monotonic()
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        _, stderr = process.communicate(timeout=30)
        elapsed = time.monotonic() - started
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        leftover = list(parent.iterdir())
        shutil.rmtree(parent, ignore_errors=True)
    assert process.returncode == 130, stderr
    assert stderr.strip() == "error: interrupted"
    assert elapsed < 5, elapsed
    assert leftover == []
    assert not running(postmaster)


def running(pid: int) -> bool:
    """Alive and not a zombie (an exited server waits for init to reap it)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def test_a_downgrade_that_fails_is_a_roundtrip_finding(pg_cluster, tmp_path, monkeypatch):
    result = invoke(monkeypatch, tmp_path, "--migrations", str(REPLAY / "broken_downgrade"), "--replay",
                    "--roundtrip", "--scratch-url", pg_cluster.url(), "--json")
    assert result.exit_code == 1, result.output
    findings = json.loads(result.stdout)["findings"]
    [failure] = [f for f in findings if f["rule"] == "DB201"]
    assert failure["path"].endswith("b0e0000000001_create_orders.py")
    assert "the round trip fails: migration b0e0000000001" in failure["message"]
    assert 'failed in downgrade(): table "order" does not exist' in failure["message"]
    assert [f["rule"] for f in findings if f["rule"] != "DB201"] == ["DB001"]  # the first upgrade's check stands


@pytest.mark.slow
def test_replay_of_a_real_tree_finds_its_broken_downgrade(pg_cluster, tmp_path, monkeypatch):
    """CKAN 2.12.0's 109 revisions from PyPI (tests/support/alembic_trees.py), as shipped."""
    from support.alembic_trees import TreeUnavailable, prepare_tree

    try:
        tree = prepare_tree("ckan")
    except TreeUnavailable as exc:
        pytest.skip(str(exc))
    result = invoke(monkeypatch, tmp_path, "--migrations", str(tree.root), "--replay", "--roundtrip",
                    "--compare-static", "--scratch-url", pg_cluster.url(), "--json")
    assert result.exit_code == 1, result.output
    document = json.loads(result.stdout)
    assert document["summary"]["replayed_revisions"] == tree.revision_count() == 109
    rules = sorted(f["rule"] for f in document["findings"])
    assert rules == ["DB004", "DB005", "DB201"]  # no DB202: the static reader agrees on this tree
    [failure] = [f for f in document["findings"] if f["rule"] == "DB201"]
    assert failure["path"].endswith("038_fd6622e3d964_delete_migration_tables.py")
    assert "already present in table 'harvested_document'" in failure["message"]


def test_replay_finds_alembic_ini_above_the_versions_directory(pg_cluster, tmp_path, monkeypatch):
    """``--migrations migrations/versions`` (what the static check takes) replays through the alembic.ini above it."""
    scratch = pg_cluster.url("postgres")
    result = invoke(monkeypatch, tmp_path, "--migrations", str(LIVE_FIX / "versions"), "--replay",
                    "--scratch-url", scratch, "--json")
    assert result.exit_code in (0, 1), result.output
    assert json.loads(result.stdout)["summary"]["replayed_revisions"] >= 1
    missing = invoke(monkeypatch, tmp_path, "--migrations", str(tmp_path), "--replay", "--scratch-url", scratch)
    assert missing.exit_code == 2 and "no alembic.ini in" in missing.stderr
