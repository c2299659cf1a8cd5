"""Two `verify-db --fix-migration` runs at once on one migrations tree: they take turns (an flock on the
versions directory) and the second reads the head again under the lock, so there is exactly one new
revision and one head, never two fix revisions on the same down_revision."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

from infractl.verify_db import command
from infractl.verify_db.fix import migration as fix_migration
from infractl.verify_db.rules import RuleSettings
from infractl.verify_db.static.chain import load_state

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "migrations"


def test_two_concurrent_fix_migration_runs_make_one_revision_and_one_head(tmp_path, monkeypatch):
    versions = tmp_path / "versions"
    shutil.copytree(FIXTURES / "db002_plain_string_now" / "versions", versions,
                    ignore=shutil.ignore_patterns("__pycache__"))
    before = {p.name for p in versions.iterdir()}
    render = fix_migration.render_fix_migration

    def slow_render(*args, **kwargs):  # both runs have read the head before either writes
        rendered = render(*args, **kwargs)
        time.sleep(0.5)
        return rendered

    monkeypatch.setattr(fix_migration, "render_fix_migration", slow_render)
    results, errors = [], []

    def one_run():
        try:
            results.append(command.fix_revision(versions, versions, False, RuleSettings(), "json"))
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    runs = [threading.Thread(target=one_run) for _ in range(2)]
    for run in runs:
        run.start()
    for run in runs:
        run.join(timeout=60)
    assert not errors, errors
    new = sorted({p.name for p in versions.iterdir()} - before)
    assert len(new) == 1 and new[0].endswith(fix_migration.FILE_SUFFIX), new
    state = load_state(versions)
    assert state.heads == [new[0][:12]]
    written = [r for r in results if r is not None]
    assert [r["path"] for r in written] == [str(versions / new[0])]  # the other run found nothing left to fix
    assert fix_migration.write_fix_migration(versions, RuleSettings()) is None


def test_the_lock_leaves_no_file_behind(tmp_path):
    versions = tmp_path / "versions"
    shutil.copytree(FIXTURES / "db002_plain_string_now" / "versions", versions,
                    ignore=shutil.ignore_patterns("__pycache__"))
    written = fix_migration.write_fix_migration(versions, RuleSettings())
    assert sorted(p.name for p in versions.iterdir()) == sorted(["ab12cd34ef56_create_invoices.py", written.name])
