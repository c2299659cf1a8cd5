"""Benchmark: `infractl verify-db --replay` on a 100+-revision Alembic tree vs a bare `alembic upgrade head`.

Run: .venv/bin/python benchmarks/verify_db_replay.py [--revisions 120] [--runs 5] [--tree ckan]

--tree ckan replays a real tree instead: CKAN 2.12.0's 109 revisions from PyPI, prepared (and cached) by
tests/support/alembic_trees.py with its own alembic.ini.

Generates an Alembic project (alembic.ini, the env.py of `alembic init`, N revisions: create_table,
add_column, alter_column with server defaults right and wrong, a raw SQL trigger now and then) in a temp
dir. The anchor is what a user would otherwise do: start a throwaway cluster (initdb + pg_ctl start,
timed alone) and run the real `alembic upgrade head` console script into a fresh database on an already
running server. infractl is the real console script `infractl verify-db --migrations DIR --replay`, which
does all of that itself, checks the database and removes the cluster. A second pair compares
`--replay --scratch-url` with the bare upgrade on the same running server (no cluster start on either
side). Runs are interleaved; medians are printed with the ratios. Target (the issue): <= 1.5x.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
BIN = Path(sys.executable).parent

ENV_PY = '''from alembic import context
from sqlalchemy import engine_from_config, pool

config = context.config


def run_migrations_online() -> None:
    connectable = engine_from_config(config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.",
                                     poolclass=pool.NullPool)
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=None)
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
'''

HEADER = '''"""revision {n}

Revision ID: {rev}
Revises: {down}
"""
from alembic import op
import sqlalchemy as sa

revision = "{rev}"
down_revision = {down_py}
branch_labels = None
depends_on = None


def upgrade() -> None:
{body}


def downgrade() -> None:
    pass
'''

DEFAULTS = ['sa.text("now()")', "sa.func.now()", '"now()"', "sa.func.clock_timestamp()", "None"]


def revision_body(n: int) -> str:
    """Mostly new tables; every 4th revision alters an earlier one, every 10th adds a trigger by SQL."""
    if n % 10 == 9:
        table = f"t_{n - 1}"
        return (f'    op.execute("CREATE FUNCTION touch_{n}() RETURNS trigger LANGUAGE plpgsql AS '
                f"$$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$\")\n"
                f'    op.execute("CREATE TRIGGER touch_{n} BEFORE UPDATE ON {table} FOR EACH ROW '
                f'EXECUTE FUNCTION touch_{n}()")')
    if n % 4 == 3:
        return (f'    op.add_column("t_{n - 1}", sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True))\n'
                f'    op.alter_column("t_{n - 1}", "created_at", server_default=sa.text("now()"))')
    default = DEFAULTS[n % len(DEFAULTS)]
    server_default = "" if default == "None" else f", server_default={default}"
    return (f'    op.create_table(\n        "t_{n}",\n        sa.Column("id", sa.Integer(), primary_key=True),\n'
            f'        sa.Column("name", sa.Text()),\n'
            f'        sa.Column("created_at", sa.DateTime(timezone=True){server_default}, nullable=False),\n'
            f'        sa.Column("updated_at", sa.DateTime(timezone={n % 3 != 0}), server_default=sa.func.now()),\n'
            f"    )")


def write_project(directory: Path, revisions: int) -> Path:
    (directory / "versions").mkdir(parents=True)
    (directory / "env.py").write_text(ENV_PY)
    (directory / "alembic.ini").write_text("[alembic]\nscript_location = %(here)s\npath_separator = os\n"
                                           "sqlalchemy.url = postgresql://set-at-run-time/none\n")
    previous = None
    for n in range(revisions):
        rev = f"{n:04d}{uuid.uuid4().hex[:8]}"
        body = revision_body(n)
        (directory / "versions" / f"{rev}_r{n}.py").write_text(HEADER.format(
            n=n, rev=rev, down=previous or "", down_py=repr(previous), body=body))
        previous = rev
    return directory


def timed(cmd: list[str], env: dict[str, str], cwd: Path, expect: tuple[int, ...]) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode not in expect:
        raise SystemExit(f"{cmd[0]} exited {done.returncode}: {done.stderr[-2000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--revisions", type=int, default=120)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--tree", choices=["ckan", "argilla"], help="a real tree instead of a generated one")
    args = parser.parse_args()
    from support.pgcluster import start_cluster

    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    server = start_cluster()
    times: dict[str, list[float]] = {"cluster_start": [], "alembic": [], "replay": [], "replay_scratch_url": []}
    try:
        with tempfile.TemporaryDirectory(prefix="infractl-bench-replay-") as tmp:
            if args.tree:
                from support.alembic_trees import prepare_tree

                tree = prepare_tree(args.tree)
                project, ini = tree.root, tree.ini
                args.revisions = tree.revision_count()
            else:
                project = write_project(Path(tmp) / "project", args.revisions)
                ini = project / "alembic.ini"
            for _ in range(args.runs):
                start = time.perf_counter()
                throwaway = start_cluster()
                times["cluster_start"].append(time.perf_counter() - start)
                throwaway.stop()
                name = f"bench_{uuid.uuid4().hex[:8]}"
                url = server.create_database(name)
                times["alembic"].append(
                    timed([str(BIN / "alembic"), "-c", str(ini), "-x", f"url={url}", "upgrade", "head"], env, project,
                          (0,)) if args.tree else _alembic(ini, url, env, project))
                server.drop_database(name)
                times["replay"].append(timed([str(BIN / "infractl"), "verify-db", "--migrations", str(project),
                                              "--replay", "--json"], env, project, (0, 1)))
                times["replay_scratch_url"].append(timed(
                    [str(BIN / "infractl"), "verify-db", "--migrations", str(project), "--replay", "--json",
                     "--scratch-url", server.url()], env, project, (0, 1)))
    finally:
        server.stop()
    median = {key: statistics.median(values) for key, values in times.items()}
    anchor = median["cluster_start"] + median["alembic"]
    print(f"{args.tree or 'generated tree'}: {args.revisions} revisions, medians of {args.runs} interleaved runs")
    print(f"  cluster start (initdb + pg_ctl start)            {median['cluster_start']:.2f} s")
    print(f"  alembic upgrade head (running server)            {median['alembic']:.2f} s")
    print(f"  anchor: cluster start + alembic upgrade head     {anchor:.2f} s")
    print(f"  infractl verify-db --replay                      {median['replay']:.2f} s   "
          f"ratio {median['replay'] / anchor:.2f}x (target <= 1.5x)")
    print(f"  infractl verify-db --replay --scratch-url        {median['replay_scratch_url']:.2f} s   "
          f"ratio {median['replay_scratch_url'] / median['alembic']:.2f}x against alembic upgrade head alone")
    ratios = [r / (c + a) for r, c, a in zip(times["replay"], times["cluster_start"], times["alembic"])]
    print("  per run, --replay / anchor: " + ", ".join(f"{ratio:.2f}x" for ratio in ratios))
    try:
        print(f"  load average at the end: {os.getloadavg()[0]:.1f}")
    except OSError:
        pass


def _alembic(ini: Path, url: str, env: dict[str, str], cwd: Path) -> float:
    """The bare console script, with sqlalchemy.url in the ini (as a user's own set-up would have it)."""
    text = ini.read_text()
    ini.write_text(text.replace("sqlalchemy.url = postgresql://set-at-run-time/none",
                                "sqlalchemy.url = " + url.replace("%", "%%")))
    try:
        return timed([str(BIN / "alembic"), "-c", str(ini), "upgrade", "head"], env, cwd, (0,))
    finally:
        ini.write_text(text)


if __name__ == "__main__":
    main()
