"""``fix-datetime --verify CMD`` on real projects (issue 16): the project's own suite decides what auto kept
naive only because it cannot follow the value.

For each project (support/realprojects.py: pinned sdists, cached venvs and baselines), CMD is the
harness's own pytest run given to ``--verify`` as a user would (``env PYTHONPATH=src .../python -m pytest
...``), the result is written into a working copy, and the harness runs the suite again. Asserted: every
test's outcome after the write equals the baseline, test by test; every site auto kept naive for "cannot
follow" reasons is decided, aware (DT020) or kept naive with the tests that needed it named (DT012
"... (--verify)"); across the projects at least half of those sites become aware. botocore's tests patch
the clock through a helper that receives the module at run time (``FreezeTime(module=...)``): its sites
are held (DT107), not open, and --verify must leave them held with every outcome unchanged.
benchmarks/verify_real.py prints the same rows as the README's table.
"""

from __future__ import annotations

import pytest
import test_real_stub_fakes as stub_fakes
from support import realprojects as rp

pytestmark = pytest.mark.slow

PROJECTS = {p.name: p for p in (*rp.PROJECTS, stub_fakes.BOTOCORE) if p.name in rp.VERIFY_PROJECTS}
ROWS: dict[str, dict] = {}


@pytest.mark.parametrize("name", PROJECTS)
def test_verify_keeps_every_outcome_and_names_what_stays_naive(name):
    project = PROJECTS[name]
    rp.baseline_or_skip(project)
    row = rp.verify_row(project, rp.VERIFY_BUDGET)
    ROWS[name] = row
    print("\n" + rp.verify_table([row]))
    assert row["status"] == 0, row["stderr"]
    summary = row["report"]["summary"]["verify"]
    assert summary["written"] and summary["groups_undecided"] == 0, summary
    assert not row["changed"] and not row["appeared"], (row["changed"], row["appeared"])
    decided = row["decided"]
    assert not decided["undecided"]
    for kept in decided["naive"]:  # the test that needed it, by name
        assert "aware, it changes " in kept["message"] and "::" in kept["message"], kept
    # every site auto kept naive only because it cannot follow it was decided one way or the other
    open_sites = len(decided["aware"]) + len(decided["naive"])
    assert row["before"]["naive"] - row["after"]["naive"] == len(decided["aware"])
    if name == "botocore":  # held by the run-time clock helper: nothing open, everything still held
        assert open_sites == 0 and row["after"]["held"] == row["before"]["held"] >= 6
    else:
        assert open_sites > 0, f"{name}: auto keeps no site naive for cannot-follow reasons"


def test_verify_makes_at_least_half_of_the_open_sites_aware():
    rows = [ROWS[name] for name in PROJECTS if name in ROWS]
    if len(rows) < len(PROJECTS):
        pytest.skip("runs after the per-project tests, on their rows (not run, or skipped: see them)")
    aware = sum(len(row["decided"]["aware"]) for row in rows)
    kept = sum(len(row["decided"]["naive"]) for row in rows)
    print("\n" + rp.verify_table(rows))
    assert aware >= kept, (aware, kept)
