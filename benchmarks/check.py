"""Benchmark ``infractl check`` and ``fix-datetime --check`` against ``ruff check --select DTZ003,DTZ004``.

Run: ``.venv/bin/python benchmarks/check.py [--runs 11] [--files 3000] [--baseline SRC]``.
The issue's target row is a real tree: the Django 5.1 sdist that benchmarks/fix_datetime.py uses (fetched
once into .bench-cache/; 2,788 Python files, 584 test files; infractl finds one warning and exits 0,
ruff reports the test file that is deliberately not Python and exits 1): ``check`` within 1.5x of ruff,
and the exit code says whether it holds. Also printed: ``fix-datetime --check`` on Django (target: no
slower than ruff), ``infractl --help`` against ``python -c "import typer"`` (within 2x), and a generated
repository of N small Python files with no findings (in a temporary directory outside this repository,
so no .gitignore hides it): a package of plain modules (each makes an aware ``datetime.now(timezone.utc)``,
so every file gets the datetime hazard scan), a tests/ tree and an Alembic revision with correct
defaults; then without the revision, then with a GitHub workflow added (PyYAML and the real actionlint).
On the first of those trees ``check --fix`` is timed too, against ``check``: with nothing to fix it must
cost no more (within 10%: no copy of the tree, no second check).
On that small tree ruff's whole run is ~45 ms, so infractl's fixed start-up (Python, then Typer, the one
argument parser, ~45 ms) weighs more there than on a real tree.

Timing is ``timing.py``'s: interleaved rounds after a warm-up, median with min-max, wall and CPU.
``--baseline SRC`` times a second infractl source tree (another checkout's ``src/``, e.g. ``git worktree
add /tmp/base main``) in the same rounds, through the same console script with its own PYTHONPATH:
before and after a change in one run, on one machine load.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from timing import ENV, interleaved, load_note  # this directory's shared timer

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TARGET = 1.5
PRIMARY = "Django 5.1 sdist"  # the target: a real ~2,800-file tree

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
permissions: {}
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8  # v5.0.0
        with:
          persist-credentials: false
      - run: pytest -q
'''  # clean for actionlint and zizmor alike: the benchmark times a check that passes
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
        variants = ["Python files (one a migration)", "Python files, no migration", "+ a GitHub workflow"]
        variants += [] if args.no_django else [PRIMARY, "Django: fix-datetime --check"]
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
            if variant == variants[0]:
                commands.update({f"{name} --fix": ([tool("infractl"), "check", "--fix", "."], env, 0)
                                 for name, env in trees.items()})
            results[variant] = interleaved(commands, root, args.runs)
        commands = {name: ([tool("infractl"), "--help"], env, 0) for name, env in trees.items()}
        commands["ruff"] = ([sys.executable, "-c", "import typer"], None, 0)  # the yardstick of --help
        results["infractl --help / import typer"] = interleaved(commands, REPO, args.runs)
    print(f"{args.files} generated files with no findings, and a real tree; median (min-max) of {args.runs} "
          f"interleaved rounds, {load_note()}:")
    for variant, times in results.items():
        target = f"   (target <= {TARGET}x)" if variant == PRIMARY else ""
        print(f"  {variant}{target}\n    {'ruff/typer':10} {times['ruff'].describe()}")
        for name in trees:
            print(f"    {name:10} {times[name].describe(times['ruff'])}")
            if f"{name} --fix" in times:  # against check itself (target: within 1.10x)
                print(f"    {'  --fix':10} {times[f'{name} --fix'].describe(times[name])}   (vs check; target <= 1.10x)")
    if PRIMARY not in results:
        return 0
    return 0 if results[PRIMARY]["infractl"].median() / results[PRIMARY]["ruff"].median() <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
