"""``fix-datetime --verify`` on real projects: the table README.md quotes under "--verify on real projects".

Usage: python benchmarks/verify_real.py [PROJECT ...]   (default: the projects the slow test proves it on)

Each project runs as tests/fix_datetime/test_real_verify.py runs it (support/realprojects.py: pinned sdist,
cached venv and baseline, CMD = the harness's pytest run): auto's sites, then --verify written into a
working copy, then the suite again, test by test. One project at a time (the suites use a whole core).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1] / "tests"
sys.path[:0] = [str(TESTS), str(TESTS / "fix_datetime")]

import test_real_stub_fakes as stub_fakes
from support import realprojects as rp


def main(names: list[str]) -> int:
    known = {p.name: p for p in (*rp.PROJECTS, stub_fakes.BOTOCORE, stub_fakes.ML2P)}
    unknown = [n for n in names if n not in known]
    if unknown:
        print(f"unknown project(s): {', '.join(unknown)}; known: {', '.join(known)}", file=sys.stderr)
        return 2
    rows = []
    for name in names or rp.VERIFY_PROJECTS:
        rows.append(rp.verify_row(known[name], rp.VERIFY_BUDGET))
        print(rp.verify_table(rows[-1:]).splitlines()[-1], flush=True)
    load = os.getloadavg()
    print(f"\n{time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, load average {load[0]:.1f} / {load[1]:.1f} / "
          f"{load[2]:.1f} at the end, budget {rp.VERIFY_BUDGET}\n")
    print(rp.verify_table(rows))
    return 0 if all(r["status"] == 0 and not r["changed"] and not r["appeared"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
