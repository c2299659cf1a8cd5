"""The static reader is read-only, so it runs on the standard library's ``ast``: reading revisions (and the
project modules that define their column types) must never import libcst, whose import alone costs
~150 ms of wall time. Each test runs a real process and checks that the reader did its work there."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "migrations"
READER_MODULES = {"infractl.verify_db.static.walk", "infractl.verify_db.static.coltypes"}


def imported_modules(importtime_stderr: str) -> set[str]:
    """Module names from ``python -X importtime`` output (``import time: self | cumulative | name``)."""
    return {line.rsplit("|", 1)[-1].strip() for line in importtime_stderr.splitlines()
            if line.startswith("import time:") and "|" in line}


@pytest.mark.parametrize(("case", "expected"), [
    ("follow_helper_functions", "accounts.updated_at has no server default"),
    # TypeDecorators of the project's own source (myapp/db_types.py), read statically
    ("follow_project_type", "visits.seen_at is timestamp without time zone"),
])
def test_verify_db_migrations_never_imports_libcst(case, expected):
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "infractl", "verify-db", "--migrations",
         str(FIXTURES / case / "versions")], capture_output=True, text=True, timeout=120, check=False,
        env={"PATH": "/usr/bin:/bin", "COLUMNS": "250", "NO_COLOR": "1"})
    modules = imported_modules(result.stderr)
    assert result.returncode in (0, 1), result.stderr[-2000:]
    assert expected in result.stdout
    assert READER_MODULES <= modules  # the static reader ran in this process ...
    assert not {m for m in modules if m == "libcst" or m.startswith("libcst.")}  # ... without libcst


def test_check_of_a_repository_with_a_revision_never_imports_libcst(tmp_path):
    versions = tmp_path / "migrations" / "versions"
    versions.mkdir(parents=True)
    (versions / "r1_create.py").write_text(textwrap.dedent('''\
        from alembic import op
        import sqlalchemy as sa

        revision = "r1"
        down_revision = None


        def create(name):
            op.create_table(name, sa.Column("created_at", sa.DateTime(timezone=True), nullable=False))


        def upgrade():
            for name in ("posts", "comments"):
                create(name)
        '''))
    probe = ("import sys; from pathlib import Path; from infractl.check.areas import declared; "
             "from infractl.config import load_config; from infractl.discover.scanner import Scanner; "
             f"root = Path({str(tmp_path)!r}); "
             "result = declared('migrations').collect(root, load_config(root), Scanner()); "
             "print(sorted({f.message.split(' ')[0] for f in result.findings})); "
             "print('libcst' in sys.modules, 'infractl.verify_db.static.walk' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120,
                            check=False, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    tables, imports = result.stdout.splitlines()
    assert tables == "['comments.created_at', 'posts.created_at']"  # both loop iterations were followed
    assert imports == "False True"
