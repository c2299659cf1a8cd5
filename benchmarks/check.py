"""Benchmark ``infractl check`` against ``ruff check --select DTZ003,DTZ004`` on a clean 3,000-file repo.

Run: ``.venv/bin/python benchmarks/check.py [--runs 11] [--files 3000]``. Generates (once per run, in
a temporary directory outside this repository, so no .gitignore hides it) a repository of N Python
files with no findings: a package of plain modules (each makes an aware ``datetime.now(timezone.utc)``,
so every file gets the datetime hazard scan, not only the utcnow one), a tests/ tree and an Alembic
revision with correct defaults. That is the issue's tree: Python files only, the target (1.5x) applies
to it, and the exit code says whether it holds. Three more rows are printed for information: without the
Alembic revision, with a GitHub workflow added (PyYAML is then imported, ~13 ms, and the real
actionlint runs, ~5 ms), and a real tree: the Django 5.1 sdist that benchmarks/fix_datetime.py uses (fetched
once into .bench-cache/; 2,788 Python files, 584 test files; infractl finds one warning and exits 0,
ruff reports the test file that is deliberately not Python and exits 1).
Two more rows, for the other speed targets: ``infractl fix-datetime --check`` on Django (no slower than
ruff) and ``infractl --help`` against ``python -c "import typer"`` (within 2x).
Prints the median wall time of each command over ``--runs`` runs (after one warm-up, runs
interleaved so both tools see the same machine load), and their ratio. ``--baseline SRC`` times a
second infractl source tree (another checkout's ``src/``, e.g. ``git worktree add /tmp/base main``) in
the same interleaved rounds, through the same console script with its own PYTHONPATH: before and after
a change in one run, on one machine load.

Byte-compiled modules are what an installed infractl runs, so PYTHONDONTWRITEBYTECODE is dropped for
infractl's runs (the warm-up writes them for an editable install).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TARGET = 1.5
PRIMARY = "Python files (one a migration)"

MODULE = '''"""Generated module {index}: ordinary service code, nothing for any check to report."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone


@dataclass
class Order{index}:
    id: int
    created_at: datetime
    items: list[str]

    def expires_at(self) -> datetime:
        return self.created_at + timedelta(days=30)

    def to_json(self) -> str:
        return json.dumps({{"id": self.id, "created_at": self.created_at.isoformat(), "items": self.items}})


def make_order_{index}(order_id: int, items: list[str]) -> Order{index}:
    return Order{index}(order_id, datetime.now(timezone.utc), sorted(items))


def total_{index}(orders: list[Order{index}]) -> int:
    return sum(len(order.items) for order in orders if order.id % {modulo} != 0)
'''
TEST = '''from app.pkg{package}.mod{index} import make_order_{index}


def test_order_{index}():
    assert make_order_{index}(1, ["b", "a"]).items == ["a", "b"]
'''
WORKFLOW = '''name: ci
on: [push]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v5
      - run: pytest -q
'''
MIGRATION = '''"""create orders

Revision ID: a1
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "a1"
down_revision = None


def upgrade():
    op.create_table(
        "orders",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
'''


def build(root: Path, files: int) -> None:
    per_package = 100
    for index in range(files):
        package = index // per_package
        directory = root / "app" / f"pkg{package}"
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "__init__.py").touch()
        if index % 10 == 9:
            tests = root / "tests"
            tests.mkdir(exist_ok=True)
            (tests / f"test_mod{index}.py").write_text(TEST.format(package=package, index=index))
        else:
            (directory / f"mod{index}.py").write_text(MODULE.format(index=index, modulo=index % 7 + 2))
    (root / "app" / "__init__.py").touch()
    (root / "migrations" / "versions").mkdir(parents=True)
    (root / "migrations" / "versions" / "a1_create_orders.py").write_text(MIGRATION)


def tool(name: str) -> str:
    found = shutil.which(name, path=str(BIN)) or shutil.which(name)
    if not found:
        sys.exit(f"error: {name} not found (install the bench extra into .venv)")
    return found


ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


def timed(command: list[str], cwd: Path, expect: int | None, env: dict | None = None) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False, env=env or ENV)
    elapsed = time.perf_counter() - started
    if expect is not None and done.returncode != expect:
        sys.exit(f"error: {' '.join(command)} exited {done.returncode}, expected {expect}:\n{done.stdout}{done.stderr}")
    return elapsed


def medians(commands: dict[str, tuple[list[str], dict | None, int | None]], cwd: Path, runs: int) -> dict[str, float]:
    """Each command's median wall time: one warm-up each, then ``runs`` rounds, interleaved, so every
    command sees the same machine load."""
    for command, env, expect in commands.values():
        timed(command, cwd, expect, env)
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, (command, env, expect) in commands.items():
            samples[name].append(timed(command, cwd, expect, env))
    return {name: statistics.median(times) for name, times in samples.items()}


def sources(baseline: str | None) -> dict[str, dict | None]:
    """The infractl trees to time: the installed one (or PYTHONPATH's), and ``--baseline SRC`` too, each
    through the same console script with its own PYTHONPATH."""
    if baseline is None:
        return {"infractl": None}
    return {"infractl": ENV, "baseline": {**ENV, "PYTHONPATH": str(Path(baseline).resolve())}}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--files", type=int, default=3000)
    parser.add_argument("--baseline", metavar="SRC", help="another infractl source tree (its src/ directory), timed "
                        "in the same interleaved rounds: before and after in one run")
    parser.add_argument("--no-django", action="store_true", help="skip the Django rows (they fetch the sdist once)")
    args = parser.parse_args()
    trees = sources(args.baseline)
    ruff = [tool("ruff"), "check", "--no-cache", "--select", "DTZ003,DTZ004", "--quiet", "."]
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="infractl-bench-check-") as tmp:
        root = Path(tmp) / "repo"
        build(root, args.files)
        variants = [PRIMARY, "Python files, no migration", "+ a GitHub workflow"]
        variants += [] if args.no_django else ["Django 5.1 sdist", "Django: fix-datetime --check"]
        for variant in variants:
            if variant == "Python files, no migration":
                shutil.rmtree(root / "migrations")
            if variant == "+ a GitHub workflow":
                (root / ".github" / "workflows").mkdir(parents=True)
                (root / ".github" / "workflows" / "ci.yml").write_text(WORKFLOW)
            if variant == "Django 5.1 sdist":
                from fix_datetime import DJANGO_SPEC, django_sdist, unpack  # this directory's other benchmark

                root = unpack(django_sdist(DJANGO_SPEC), Path(tmp) / "django")
            ours = ["fix-datetime", "--check", "."] if variant.endswith("--check") else ["check", "."]
            commands = {name: ([tool("infractl"), *ours], env, 0) for name, env in trees.items()}
            commands["ruff"] = (ruff, None, 1 if variant.startswith("Django") else 0)
            results[variant] = medians(commands, root, args.runs)
        commands = {name: ([tool("infractl"), "--help"], env, 0) for name, env in trees.items()}
        commands["ruff"] = ([sys.executable, "-c", "import typer"], None, 0)  # the yardstick of --help
        results["infractl --help / import typer"] = medians(commands, REPO, args.runs)
    print(f"{args.files} generated files with no findings, and a real tree; median of {args.runs} interleaved "
          f"(load average {os.getloadavg()[0]:.1f}):")
    for variant, times in results.items():
        target = f" (target <= {TARGET}x)" if variant == PRIMARY else ""
        line = f"  {variant:30} ruff/typer {times['ruff'] * 1000:6.1f} ms"
        for name in trees:
            line += f"   {name} {times[name] * 1000:6.1f} ms ({times[name] / times['ruff']:.2f}x)"
        print(line + target)
    return 0 if results[PRIMARY]["infractl"] / results[PRIMARY]["ruff"] <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
