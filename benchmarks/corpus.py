"""`infractl check` on a corpus of real repositories, beside the tools a user would run instead.

    python benchmarks/corpus.py CORPUS_DIR [--only NAME ...] [--checkov PATH] [--errors-out FILE]

CORPUS_DIR holds one directory per repository (fetched by you, never committed). For each one this runs
`infractl check --json` and, on the same inputs, actionlint and zizmor (the workflows), promtool (plain
rule files), checkov (when ``--checkov`` names its executable: it is slow and lives in its own venv) and
prints one Markdown table: per area, infractl's errors/warnings/infos, the anchors' counts with their times,
and a total row (per area; seconds per tool).
``--errors-out`` writes every infractl error as JSON lines (repo, rule, path, line, message) to be judged
by reading the source: the false-error rate in docs/corpus.md is counted from that file.

Times here are single runs, for scale; the speed claims are the interleaved benchmarks (monitoring.py,
lint_ci.py, manifests.py).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

AREAS = (("datetime", ("DT",)), ("workflows", ("CI", "AL", "ZZ")), ("migrations", ("DB",)),
         ("monitoring", ("MON",)), ("manifests", ("K8S", "COMPOSE", "DOCKER", "ENV")), ("wiremock", ("WM",)),
         ("check", ("CHK",)))
TOOL_TIMEOUT = 600


def area_of(rule: str) -> str:
    for area, prefixes in AREAS:
        if rule.startswith(prefixes):
            return area
    return "other"


def timed(command: list[str], cwd: Path | None = None) -> tuple[subprocess.CompletedProcess, float]:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=TOOL_TIMEOUT, check=False)
    return done, time.perf_counter() - started


def workflows(repo: Path) -> list[Path]:
    folder = repo / ".github" / "workflows"
    return sorted(p for p in folder.glob("*.y*ml") if p.is_file()) if folder.is_dir() else []


def plain_rule_files(repo: Path) -> list[Path]:
    """Prometheus rule files promtool itself reads: `groups:` with `rules:` and `alert:`/`record:`, no `kind:`
    (a PrometheusRule custom resource is not a rule file; infractl reads its spec.groups)."""
    found = []
    for path in sorted(repo.rglob("*.y*ml")):
        if ".git" in path.parts or not path.is_file() or path.stat().st_size > 2_000_000:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if text.lstrip().startswith("groups:") and ("alert:" in text or "record:" in text) and "kind:" not in text:
            found.append(path)
    return found


def run_infractl(infractl: str, repo: Path) -> tuple[dict, float]:
    done, seconds = timed([infractl, "check", str(repo), "--json"])
    if done.returncode not in (0, 1):
        return {"error": done.stderr.strip().splitlines()[-1:] or [f"exit {done.returncode}"]}, seconds
    return json.loads(done.stdout), seconds


def run_actionlint(files: list[Path]) -> tuple[int | None, float]:
    if not files or not shutil.which("actionlint"):
        return None, 0.0
    done, seconds = timed(["actionlint", "-format", "{{json .}}", *map(str, files)])
    return len(json.loads(done.stdout or "[]")), seconds


def run_zizmor(files: list[Path]) -> tuple[Counter | None, float]:
    if not files or not shutil.which("zizmor"):
        return None, 0.0
    done, seconds = timed(["zizmor", "--offline", "--format", "json", "--no-progress", *map(str, files)])
    try:
        results = json.loads(done.stdout or "[]")
    except json.JSONDecodeError:
        return None, seconds
    return Counter(r.get("determinations", {}).get("severity", "?").lower() for r in results), seconds


def run_promtool(files: list[Path]) -> tuple[int | None, float]:
    if not files or not shutil.which("promtool"):
        return None, 0.0
    done, seconds = timed(["promtool", "check", "rules", *map(str, files)])
    return sum(1 for line in done.stdout.splitlines() + done.stderr.splitlines() if line.startswith("  FAILED")
               or "FAILED:" in line), seconds


def run_checkov(checkov: str | None, repo: Path, ids: Counter) -> tuple[int | None, float]:
    """checkov's failed checks (their ids counted into ``ids``: what it reports that infractl may not)."""
    if not checkov:
        return None, 0.0
    done, seconds = timed([checkov, "-d", str(repo), "--framework", "kubernetes", "dockerfile", "github_actions",
                           "--quiet", "--compact", "-o", "json", "--skip-download"])
    try:
        data = json.loads(done.stdout or "[]")
    except json.JSONDecodeError:
        return None, seconds
    reports = [r for r in (data if isinstance(data, list) else [data]) if isinstance(r, dict)]
    ids.update(f"{c.get('check_id')} {c.get('check_name', '')[:70]}" for r in reports
               for c in r.get("results", {}).get("failed_checks", []))
    return sum(r.get("summary", {}).get("failed", 0) for r in reports), seconds


def timed_cell(value, seconds: float) -> str:
    return "-" if value is None or value == "-" else f"{value} ({seconds:.2f})"


def cell(counts: Counter, area: str) -> str:
    e, w, i = counts[(area, "error")], counts[(area, "warning")], counts[(area, "info")]
    return f"{e}/{w}/{i}" if e or w or i else "-"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--only", nargs="*", default=None)
    parser.add_argument("--infractl", default=shutil.which("infractl") or "infractl")
    parser.add_argument("--checkov", default=None)
    parser.add_argument("--errors-out", type=Path, default=None)
    args = parser.parse_args()
    repos = sorted(p for p in args.corpus.iterdir() if p.is_dir() and (not args.only or p.name in args.only))
    shown = [a for a, _ in AREAS if a != "check"]
    print("| repository | " + " | ".join(shown) + " | CHK | infractl s | actionlint (s) | zizmor h/m/l (s) | "
          "promtool fails (s) | checkov failed (s) |")
    print("|---" * (len(shown) + 7) + "|")
    errors_out = args.errors_out.open("w") if args.errors_out else None
    totals: Counter = Counter()
    per_area: Counter = Counter()
    seconds_total: Counter = Counter()
    checkov_ids: Counter = Counter()
    for repo in repos:
        report, seconds = run_infractl(args.infractl, repo)
        counts: Counter = Counter()
        for finding in report.get("findings", []):
            counts[(area_of(finding["rule"]), finding["severity"])] += 1
            per_area[(area_of(finding["rule"]), finding["severity"])] += 1
            totals[finding["severity"]] += 1
            if errors_out and finding["severity"] == "error":
                errors_out.write(json.dumps({"repo": repo.name, **{k: finding.get(k) for k in
                                             ("rule", "path", "line", "message")}}) + "\n")
        flows = workflows(repo)
        al, al_s = run_actionlint(flows)
        zz, zz_s = run_zizmor(flows)
        pt, pt_s = run_promtool(plain_rule_files(repo))
        ck, ck_s = run_checkov(args.checkov, repo, checkov_ids)
        zz_cell = "-" if zz is None else f"{zz['high']}/{zz['medium']}/{zz['low'] + zz['informational']}"
        failed = f" (error: {report['error'][0]})" if "error" in report else ""
        seconds_total.update({"infractl": seconds, "actionlint": al_s, "zizmor": zz_s, "promtool": pt_s,
                              "checkov": ck_s})
        print(f"| {repo.name}{failed} | " + " | ".join(cell(counts, a) for a in shown)
              + f" | {cell(counts, 'check')} | {seconds:.2f} | {timed_cell(al, al_s)} | {timed_cell(zz_cell, zz_s)} | "
              f"{timed_cell(pt, pt_s)} | {timed_cell(ck, ck_s)} |", flush=True)
    print("| **total** | " + " | ".join(cell(per_area, a) for a in shown) + f" | {cell(per_area, 'check')} | "
          + " | ".join(f"{seconds_total[t]:.1f}" for t in ("infractl", "actionlint", "zizmor", "promtool", "checkov"))
          + " |")
    print(f"\ntotal: {totals['error']} errors, {totals['warning']} warnings, {totals['info']} infos "
          f"over {len(repos)} repositories", file=sys.stderr)
    for check, count in checkov_ids.most_common(25):
        print(f"checkov {count:5d} {check}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
