"""Benchmark: ``infractl lint-ci`` against bare actionlint + zizmor on the same real workflows, in one run.

Each directory under the corpus (default /work/corpus, outside the project: each holds one public
repository's ``.github/workflows``, copied there by hand) is measured three ways, as real processes:

  lint-ci     ``infractl lint-ci DIR``, the console script with this checkout's src first on the path:
              infractl's rules, actionlint and zizmor
  bare        ``actionlint FILES; zizmor --offline FILES`` in one shell, one after the other: what a
              project that runs both tools itself pays
  actionlint  and ``zizmor`` alone, for reference
  baseline    with ``--baseline SRC``: ``lint-ci`` from another source tree (e.g. main's ``src``), in the
              same rounds: before and after on one machine load

The console script is entry.py: its head start begins actionlint and zizmor before Typer is imported.
Prints medians with min-max, CPU, and the ratio lint-ci / bare (target: within 1.3x).
Usage: .venv/bin/python benchmarks/lint_ci.py [--corpus /work/corpus] [--runs 5] [--baseline SRC]
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from timing import ENV, interleaved, load_note

from infractl.lint_ci.tools.actionlint import find_actionlint
from infractl.lint_ci.tools.zizmor import find_zizmor


def commands(directory: Path, baseline: str | None) -> dict:
    files = sorted(str(p) for p in (directory / ".github" / "workflows").glob("*") if p.suffix in (".yml", ".yaml"))
    actionlint = find_actionlint(None)
    zizmor = find_zizmor(None)
    if actionlint is None or zizmor is None:
        sys.exit("error: actionlint and zizmor must both be installed (the 'actionlint' extra)")
    quoted = " ".join(map(shlex.quote, files))
    bare = (f"{shlex.join(actionlint)} {quoted} >/dev/null; {shlex.join(zizmor)} {quoted} >/dev/null; true")
    lint_ci = [str(Path(sys.executable).with_name("infractl")), "lint-ci", str(directory)]
    measured = {
        "lint-ci": (lint_ci, {**ENV, "PYTHONPATH": str(REPO / "src")}, None),
        "bare": (["sh", "-c", bare], None, 0),
        "actionlint": ([*actionlint, *files], None, None),
        "zizmor": ([*zizmor, *files], None, 0),
    }
    if baseline:
        measured["baseline"] = (lint_ci, {**ENV, "PYTHONPATH": str(Path(baseline).resolve())}, None)
    return measured, len(files)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("/work/corpus"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--baseline", metavar="SRC", help="another infractl source tree (its src/), timed too")
    args = parser.parse_args()
    directories = sorted(d for d in args.corpus.iterdir() if (d / ".github" / "workflows").is_dir())
    if not directories:
        sys.exit(f"error: no <repo>/.github/workflows under {args.corpus}")
    print(load_note())
    ratios: dict[str, list[float]] = {"lint-ci": [], "baseline": []}
    for directory in directories:
        measured, count = commands(directory, args.baseline)
        samples = interleaved(measured, directory, args.runs)
        anchor = samples["bare"]
        print(f"\n{directory.name}: {count} workflow files")
        for name, sample in samples.items():
            print(f"  {name:<10} {sample.describe(anchor if name in ratios else None)}")
            if name in ratios:
                ratios[name].append(sample.median() / anchor.median())
    for name, found in ratios.items():
        if found:
            print(f"\n{name} / bare, median per repository: {', '.join(f'{r:.2f}x' for r in found)}; "
                  f"worst {max(found):.2f}x (target 1.3x)")
    print(load_note())


if __name__ == "__main__":
    main()
