"""Benchmark: `infractl verify-db` vs `alembic check` (compare_server_default=True) on 100 / 2,000 / 10,000 tables.

Run: .venv/bin/python benchmarks/verify_db.py [--sizes 100,2000,10000] [--runs 5] [--alembic-runs 3]

Starts a throwaway PostgreSQL (tests/support/pgcluster.py), or uses INFRACTL_TEST_DATABASE_URL. For each
size it creates a database of tables with a few timestamp columns (some wrong), SQLAlchemy models that
match it exactly (so `alembic check` finds no differences and measures the comparison itself) and an
Alembic environment in a temp dir; then it times both real console scripts as subprocesses and prints
medians, the speed-up, and how infractl's own time grows from the smallest to the largest size.
Acceptance targets (the issue): >= 5x faster at 2,000 tables, >= 15x at 10,000, and infractl at 10,000
tables < 3x its time at 100. infractl is timed twice: default table output and --strict --json; the
difference is rendering the findings, not the check. The runs are interleaved (one of each tool per
round), so a change in the machine's load hits every tool alike; medians are printed with min-max.
--baseline-src DIR also times another infractl source tree (e.g. `git archive main src | tar -x -C DIR`)
in the same rounds, for a before/after ratio from one run.
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
BATCH = 250  # tables per transaction: each CREATE TABLE takes a few locks and the lock table is finite

# The timestamp columns of each kind of table: name -> (type, nullable, default as written).
RIGHT = {"created_at": ("timestamptz", False, "now()"), "updated_at": ("timestamptz", False, "now()")}
VARIANTS = [  # every n-th table (first match wins) is wrong in one way; the rest are RIGHT
    (100, {**RIGHT, "created_at": ("timestamptz", False, "'2026-01-01 00:00:00+00'")}),  # DB002, an error
    (50, {**RIGHT, "created_at": ("timestamptz", False, "clock_timestamp()")}),  # DB003
    (25, {"created_at": ("timestamp", False, "now()"), "updated_at": ("timestamptz", True, "now()")}),  # DB004+5
]
UNTRIGGERED_EVERY = 10  # every 10th table has no BEFORE UPDATE trigger keeping updated_at fresh (DB006)


def kind_of(i: int) -> tuple[int, dict[str, tuple[str, bool, str]]]:
    """(the variant's period, or 1 for RIGHT; its columns) for table number i."""
    return next(((every, columns) for every, columns in VARIANTS if i % every == 0), (1, RIGHT))


def table_ddl(i: int) -> str:
    _, columns = kind_of(i)
    stamps = ", ".join(f"{name} {type_} {'' if nullable else 'NOT NULL '}DEFAULT {default}"
                       for name, (type_, nullable, default) in columns.items())
    ddl = f"CREATE TABLE t_{i} (id integer PRIMARY KEY, name text, published timestamptz, {stamps})"
    if i % UNTRIGGERED_EVERY != 3:
        ddl += f"; CREATE TRIGGER t_{i}_touch BEFORE UPDATE ON t_{i} FOR EACH ROW EXECUTE FUNCTION touch()"
    return ddl


def create_schema(conn, size: int) -> None:
    """Many statements per round trip (one implicit transaction each), BATCH tables at a time."""
    conn.execute("CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS "
                 "$$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$")
    for start in range(1, size + 1, BATCH):
        conn.execute("; ".join(table_ddl(i) for i in range(start, min(size, start + BATCH - 1) + 1)))


def default_texts(conn) -> dict[str, str]:
    """How PostgreSQL prints each kind's defaults (t_1 is RIGHT, t_<n> is variant n): the models must say
    exactly that, or alembic reports a difference."""
    samples = ["t_1", *(f"t_{every}" for every, _ in VARIANTS)]
    rows = conn.execute("SELECT c.relname, a.attname, pg_get_expr(d.adbin, d.adrelid) FROM pg_attribute a "
                        "JOIN pg_class c ON c.oid = a.attrelid JOIN pg_attrdef d ON d.adrelid = a.attrelid "
                        "AND d.adnum = a.attnum WHERE c.relname = ANY(%s) AND c.relnamespace = 'public'::regnamespace",
                        [samples]).fetchall()
    return {f"{table}.{column}": text for table, column, text in rows}


def write_models(path: Path, size: int, defaults: dict[str, str]) -> None:
    def column(i: int, name: str) -> str:
        every, columns = kind_of(i)
        type_, nullable, _ = columns[name]
        return (f"Column({name!r}, DateTime(timezone={type_ == 'timestamptz'}), nullable={nullable}, "
                f"server_default=text({defaults[f't_{every}.{name}']!r}))")

    lines = ["from sqlalchemy import Column, DateTime, Integer, MetaData, Table, Text, text",
             "metadata = MetaData()"]
    for i in range(1, size + 1):
        lines.append(f"Table('t_{i}', metadata, Column('id', Integer, primary_key=True, autoincrement=False), "
                     f"Column('name', Text), Column('published', DateTime(timezone=True)), "
                     f"{column(i, 'created_at')}, {column(i, 'updated_at')})")
    path.write_text("\n".join(lines) + "\n")


ENV_PY = """
import os
from alembic import context
from sqlalchemy import create_engine
from models import metadata

engine = create_engine(os.environ["BENCH_DATABASE_URL"])
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=metadata, compare_server_default=True)
    with context.begin_transaction():
        context.run_migrations()
"""


def write_alembic_env(directory: Path, size: int, defaults: dict[str, str]) -> Path:
    (directory / "versions").mkdir(parents=True)
    (directory / "env.py").write_text(ENV_PY)
    (directory / "script.py.mako").write_text("")
    write_models(directory / "models.py", size, defaults)
    ini = directory / "alembic.ini"
    ini.write_text(f"[alembic]\nscript_location = {directory}\nprepend_sys_path = {directory}\n")
    return ini


def timed(cmd: list[str], env: dict[str, str], expect: int, cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=cwd, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != expect:
        raise SystemExit(f"{cmd[0]} exited {done.returncode}, expected {expect}:\n{done.stdout[-800:]}"
                         f"{done.stderr[-2000:]}")
    return elapsed


def interleaved(commands: dict[str, tuple[list[str], dict[str, str], int, int]], cwd: Path) -> dict[str, list[float]]:
    """name -> (command, env, expected exit code, runs): round after round, one run of each command that
    still has runs left, so the machine's load changes hit them alike."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for round_ in range(max(runs for *_, runs in commands.values())):
        for name, (cmd, env, expect, runs) in commands.items():
            if round_ < runs:
                times[name].append(timed(cmd, env, expect, cwd))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,2000,10000")
    parser.add_argument("--runs", type=int, default=5, help="infractl runs per size")
    parser.add_argument("--alembic-runs", type=int, default=3, help="alembic runs per size (1 at 10,000+)")
    parser.add_argument("--baseline-src", type=Path, help="also time infractl from this src directory (--json)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    from support.pgcluster import cluster_from_url, start_cluster

    given = os.environ.get("INFRACTL_TEST_DATABASE_URL")
    cluster = cluster_from_url(given) if given else start_cluster()
    results: dict[int, dict] = {}
    try:
        with tempfile.TemporaryDirectory(prefix="infractl-bench-") as tmp:
            for size in sizes:
                results[size] = bench_size(cluster, size, Path(tmp) / str(size), args)
    finally:
        if not given:
            cluster.stop()
    report(results)


def bench_size(cluster, size: int, directory: Path, args) -> dict:
    name = f"bench_{size}_{uuid.uuid4().hex[:6]}"
    url = cluster.create_database(name)
    try:
        start = time.perf_counter()
        with cluster.admin_connect(name) as conn:
            create_schema(conn, size)
            defaults = default_texts(conn)
        created = time.perf_counter() - start
        ini = write_alembic_env(directory, size, defaults)
        env = {**os.environ, "BENCH_DATABASE_URL": url, "DATABASE_URL": url, "COLUMNS": "160"}
        infractl = [str(BIN / "infractl"), "verify-db"]
        as_json = [*infractl, "--strict", "--json"]
        alembic = [str(BIN / "alembic"), "-c", str(ini), "check"]
        # Warm the OS caches and the server's catalog caches for both tools alike before timing.
        timed(as_json, env, 1, directory)
        timed(alembic, env, 0, directory)
        alembic_runs = 1 if size >= 10_000 else args.alembic_runs
        commands = {"infractl": (infractl, env, 1, args.runs), "infractl_json": (as_json, env, 1, args.runs),
                    "alembic": (alembic, env, 0, alembic_runs)}
        if args.baseline_src:
            baseline_env = {**env, "PYTHONPATH": str(args.baseline_src.resolve())}
            timed(as_json, baseline_env, 1, directory)
            commands["baseline_json"] = (as_json, baseline_env, 1, args.runs)
        times = interleaved(commands, directory)
        row = {name: statistics.median(values) for name, values in times.items()}
        row.update({f"{name}_range": (min(values), max(values)) for name, values in times.items()})
        row.update(created=created, alembic_runs=alembic_runs)
        print(f"{size:>6} tables: created in {created:.1f}s; " + "; ".join(
            f"{name} {row[name]:.3f}s ({row[name + '_range'][0]:.3f}-{row[name + '_range'][1]:.3f})"
            for name in times), flush=True)
        return row
    finally:
        cluster.drop_database(name)


def report(results: dict[int, dict]) -> None:
    print()
    print(f"{'tables':>7} {'alembic check':>14} {'infractl':>9} {'speed-up':>9} {'infractl --json':>16} {'speed-up':>9}")
    for size, row in results.items():
        print(f"{size:>7} {row['alembic']:>13.2f}s {row['infractl']:>8.3f}s {row['alembic'] / row['infractl']:>8.1f}x "
              f"{row['infractl_json']:>15.3f}s {row['alembic'] / row['infractl_json']:>8.1f}x")
    smallest, largest = min(results), max(results)
    for key, label in (("infractl", "table output"), ("infractl_json", "--json")):
        growth = results[largest][key] / results[smallest][key]
        print(f"infractl ({label}) time at {largest} tables / at {smallest} tables: {growth:.2f}x")
    for size, row in results.items():
        if "baseline_json" in row:
            print(f"baseline --json at {size} tables: {row['baseline_json']:.3f}s, "
                  f"{row['alembic'] / row['baseline_json']:.1f}x faster than alembic check")
    print("(medians, interleaved; min-max above; infractl runs per size: see --runs; alembic runs: "
          + ", ".join(f"{size}: {int(row['alembic_runs'])}" for size, row in results.items()) + ")")


if __name__ == "__main__":
    main()
