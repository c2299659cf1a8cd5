"""Benchmark ``check``'s monitoring area against one ``promtool check rules`` over the same rule files.

Run: ``.venv/bin/python benchmarks/monitoring.py [--corpus DIR] [--files 113] [--runs 9] [--baseline SRC]``.

The tree is a temporary directory holding FILES rule files (issue 18 measured 113): the first FILES plain
rule files found under ``--corpus`` (a real mixin collection fetched outside this repository, e.g.
samber/awesome-prometheus-alerts' ``dist/``, 113 files, or monitoring-mixins/website's ``assets/``), else
generated ones (five alerts and three recording rules each), and a ``pyproject.toml`` that limits ``check``
to the monitoring area. Timed, interleaved (timing.py: a warm-up round, then median with min-max, wall and
CPU): ``infractl check DIR`` through the console script (entry.py: its head start begins promtool before
Typer is imported), and ``promtool check rules`` over every file, the
issue's yardstick (target: within 1.5x). ``--baseline SRC`` times another infractl source tree (its ``src/``,
e.g. main's) in the same rounds: before and after in one run, on one machine load.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from timing import ENV, interleaved, load_note  # this directory's shared timer

BIN = Path(sys.executable).parent
REPO = Path(__file__).resolve().parents[1]
TARGET = 1.5
PYPROJECT = '[tool.infractl.check]\nareas = ["monitoring"]\n'
ALERT = """      - alert: Service{i}Alert{j}
        expr: sum by (instance) (rate(service_{i}_errors_total[5m])) / sum by (instance) (rate(service_{i}_requests_total[5m])) > 0.0{j}
        for: 10m
        labels: {{severity: warning}}
        annotations:
          summary: Service {i} fails more than {j}% of its requests.
          description: '{{{{ $labels.instance }}}} answers {{{{ $value | humanizePercentage }}}} of requests with an error.'
"""
RECORD = """      - record: instance:service_{i}_requests:rate{j}m
        expr: sum by (instance) (rate(service_{i}_requests_total[{j}m]))
"""


def generated(index: int) -> str:
    rules = "".join(ALERT.format(i=index, j=j) for j in range(1, 6))
    rules += "".join(RECORD.format(i=index, j=j) for j in (1, 5, 15))
    return f"groups:\n  - name: service-{index}\n    rules:\n{rules}"


def from_corpus(corpus: Path, count: int) -> list[tuple[str, str]]:
    """(relative name, text) of the first ``count`` plain rule files under ``corpus``."""
    found = []
    for path in sorted(corpus.rglob("*.y*ml")):
        if len(found) == count:
            break
        text = path.read_text(errors="replace")
        if text.startswith("groups:") and "rules:" in text:
            found.append((str(path.relative_to(corpus)), text))
    if len(found) < count:
        sys.exit(f"error: {corpus} holds {len(found)} plain rule files, not {count}")
    return found


def tool(name: str) -> str:
    found = shutil.which(name, path=str(BIN)) or shutil.which(name)
    if not found:
        sys.exit(f"error: {name} not found")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, help="a directory of real rule files (outside this repository)")
    parser.add_argument("--files", type=int, default=113)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--baseline", metavar="SRC", help="another infractl source tree (its src/), timed too")
    args = parser.parse_args()
    promtool = tool("promtool")
    files = from_corpus(args.corpus, args.files) if args.corpus else \
        [(f"service-{index}/alerts.yml", generated(index)) for index in range(args.files)]
    with tempfile.TemporaryDirectory(prefix="infractl-bench-monitoring-") as tmp:
        root = Path(tmp)
        for name, text in files:
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(text)
        (root / "pyproject.toml").write_text(PYPROJECT)
        # a real collection may hold a file promtool rejects (a template): its exit code is not the point
        commands = {"promtool": ([promtool, "check", "rules", *(name for name, _ in files)], None, None),
                    # this checkout's src, whichever one the console script was installed from
                    "infractl": ([tool("infractl"), "check", "."], {**ENV, "PYTHONPATH": str(REPO / "src")}, None)}
        if args.baseline:
            commands["baseline"] = ([tool("infractl"), "check", "."],
                                    {**ENV, "PYTHONPATH": str(Path(args.baseline).resolve())}, None)
        times = interleaved(commands, root, args.runs)
    source = f"from {args.corpus}" if args.corpus else "generated"
    print(f"{len(files)} rule files ({source}); median (min-max) of {args.runs} interleaved rounds, {load_note()}:")
    print(f"  promtool check rules (one call)  {times['promtool'].describe()}")
    for name in commands.keys() - {"promtool"}:
        target = f"   (target <= {TARGET}x)" if name == "infractl" else ""
        print(f"  infractl check ({name:8})       {times[name].describe(times['promtool'])}{target}")
    return 0 if times["infractl"].median() / times["promtool"].median() <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
