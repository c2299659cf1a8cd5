"""`infractl check --fix` on a corpus of real repositories: what it fixed, and whether the result holds.

    python benchmarks/fix_corpus.py CORPUS_DIR [--only NAME ...] [--mirrors DIR] [--out FILE] [--keep DIR]

CORPUS_DIR holds one directory per repository (fetched by you, never committed). For each one, and for
each of `--fix` (safe fixes) and `--fix --unsafe-fixes`, a fresh copy is made into a scratch directory,
committed to a new git repository, and fixed; then:

- what was fixed, per rule (the report's ``fixed`` entries) and ``git diff --numstat``;
- only flagged: every line the diff touches belongs to a finding that was fixed (judged as
  ``fix_corpus_judge.only_flagged`` documents);
- idempotent: a second identical ``--fix`` run fixes nothing and leaves ``git diff`` as it was;
- the real tools accept the fixed files (``fix_corpus_tools.py``: actionlint, ``kubectl kustomize`` and
  kubernetes-validate, ``docker compose config``, promtool, the real WireMock JAR's start-up, JSON,
  ``py_compile``), each compared with the same tool on the unfixed file.

It prints one Markdown table (docs/commands/fix.md shows it) and, with ``--out``, one JSON line per
repository and mode with everything measured. ``--mirrors DIR`` names where the repositories' git
directories are (``DIR/NAME/repo``) to print the commit; a repository with its own ``.git`` needs none.
Nothing here uses the network beyond 127.0.0.1 (WireMock's port).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fix_corpus_judge import changed_hunks, only_flagged
from fix_corpus_tools import TOOL_BIN, tools_accept

MODES = {"safe": ["--fix"], "unsafe": ["--fix", "--unsafe-fixes"]}
GIT = ["git", "-c", "user.name=fix-corpus", "-c", "user.email=fix-corpus@localhost", "-c", "commit.gpgsign=false",
       "-c", "core.autocrlf=false", "-c", "core.fileMode=true"]
RUN_TIMEOUT = 900


def git(scratch: Path, *args: str) -> str:
    done = subprocess.run([*GIT, "-C", str(scratch), *args], capture_output=True, text=True, check=True,
                          errors="surrogateescape")
    return done.stdout


def commit_of(repo: Path, mirrors: Path | None) -> str:
    for git_dir in (repo / ".git", mirrors / repo.name / "repo" if mirrors else None):
        if git_dir is not None and git_dir.exists():
            done = subprocess.run(["git", f"--git-dir={git_dir}", "log", "-1", "--format=%h %cs"],
                                  capture_output=True, text=True, check=False)
            if done.returncode == 0:
                return done.stdout.strip()
    return "-"


def scratch_copy(repo: Path, under: Path, mode: str) -> Path:
    """The repository copied and committed (everything, ignored files too: the export holds only tracked
    files), so that ``git diff`` afterwards is exactly what ``--fix`` changed."""
    scratch = under / mode / repo.name
    shutil.copytree(repo, scratch, symlinks=True, ignore=shutil.ignore_patterns(".git"))
    git(scratch, "init", "-q")
    git(scratch, "add", "-A", "-f")
    git(scratch, "commit", "-q", "--no-verify", "-m", "before --fix")
    return scratch


def infractl(scratch: Path, args: list[str], command: list[str]) -> tuple[dict, float, int]:
    """``infractl check . ARGS --json`` in ``scratch``: its report, seconds, exit code."""
    env = {**os.environ, "PATH": f"{TOOL_BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    started = time.perf_counter()
    done = subprocess.run([*command, "check", ".", *args, "--json"], cwd=scratch, capture_output=True, text=True,
                          timeout=RUN_TIMEOUT, check=False, env=env)
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise RuntimeError(f"infractl exited {done.returncode}: {done.stderr.strip()[-500:]}")
    return json.loads(done.stdout), seconds, done.returncode


def relative(scratch: Path, path: str) -> str:
    full = Path(path) if os.path.isabs(path) else scratch / path
    return os.path.relpath(os.path.abspath(full), scratch)


def flagged_lines(scratch: Path, before: dict, fixed: list[dict]) -> dict[str, set[int]]:
    """Per file, the lines (in the unfixed file) of the findings that were fixed: each fixed entry is
    matched to a finding of the unfixed check by rule, file and message (by rule and file when the message
    changed between passes); a fixed entry with no line names the whole file (a mode, a new file)."""
    pool: dict[tuple, list[dict]] = {}
    for finding in before.get("findings", []):
        pool.setdefault((finding["rule"], relative(scratch, finding["path"])), []).append(finding)
    lines: dict[str, set[int]] = {}
    for entry in fixed:
        path = relative(scratch, entry["path"])
        candidates = pool.get((entry["rule"], path), [])
        match = next((f for f in candidates if f["message"] == entry["message"]), None)
        match = match or next((f for f in candidates if f.get("line")), None)
        if match is not None:
            candidates.remove(match)
        line = (match or entry).get("line")
        lines.setdefault(path, set()).add(line or 0)  # 0: the file as a whole
    return lines


def measure(repo: Path, under: Path, mode: str, command: list[str]) -> dict:
    scratch = scratch_copy(repo, under, mode)
    before, check_seconds, _ = infractl(scratch, [], command)
    report, seconds, code = infractl(scratch, MODES[mode], command)
    fixed = report.get("fixed", [])
    engine = [f for f in report.get("findings", []) if f["rule"].startswith("FIX")]
    git(scratch, "add", "-A", "-f")  # new files (verify-db's revision) show in the diff too
    numstat = git(scratch, "diff", "--cached", "--numstat", "--no-renames")
    patch = git(scratch, "diff", "--cached", "-U0", "--no-color", "--no-renames", "--no-ext-diff")
    added = sum(int(a) for a, _, _ in (row.split("\t", 2) for row in numstat.splitlines()) if a.isdigit())
    removed = sum(int(r) for _, r, _ in (row.split("\t", 2) for row in numstat.splitlines()) if r.isdigit())
    flagged = flagged_lines(scratch, before, fixed)
    hunks = changed_hunks(patch)
    outside = only_flagged(repo, hunks, flagged, {entry["rule"] for entry in fixed})
    second, _, _ = infractl(scratch, MODES[mode], command)
    git(scratch, "add", "-A", "-f")
    again = git(scratch, "diff", "--cached", "-U0", "--no-color", "--no-renames", "--no-ext-diff")
    idempotent = again == patch and not second.get("fixed")
    tools = tools_accept(repo, scratch, sorted(hunks)) if hunks else {}
    return {
        "repository": repo.name, "mode": mode, "exit": code, "seconds": round(seconds, 2),
        "check_seconds": round(check_seconds, 2),
        "fixed": dict(sorted(Counter(entry["rule"] for entry in fixed).items())),
        "engine_findings": [f"{f['rule']} {f['path']}: {f['message']}" for f in engine],
        "files": len(hunks), "added": added, "removed": removed, "numstat": numstat.splitlines(),
        "only_flagged": not outside, "outside": outside[:20],
        "idempotent": idempotent, "second_fixed": len(second.get("fixed", [])),
        "tools": tools, "tools_accept": all(r["ok"] is not False for r in tools.values()),
        "unchecked": sorted(path for path, r in tools.items() if r["ok"] is None),
    }


def yes(value: bool) -> str:
    return "yes" if value else "**no**"


def table(results: list[dict], commits: dict[str, str]) -> str:
    rows = [("| repository | commit | safe fixes | unsafe fixes | lines +/- (safe; unsafe) | only flagged | "
             "real tools accept | idempotent | time s (check; safe; unsafe) |"),
            "|---|---|---|---|---|---|---|---|---|"]
    by_repo: dict[str, dict[str, dict]] = {}
    for result in results:
        by_repo.setdefault(result["repository"], {})[result["mode"]] = result
    clean = []
    for name, runs in by_repo.items():
        safe, unsafe = runs.get("safe"), runs.get("unsafe")
        done = [r for r in (safe, unsafe) if r]
        if not any(r["fixed"] or r["files"] for r in done) and all(r["idempotent"] for r in done):
            clean.append(name)
            continue

        def fixes(r):
            return ", ".join(f"{rule} {n}" for rule, n in r["fixed"].items()) if r and r["fixed"] else "-"

        def lines(r):
            return f"+{r['added']} -{r['removed']}" if r else "-"

        def unchecked(r):
            return len(r["unchecked"]) if r else 0

        tools = yes(all(r["tools_accept"] for r in done))
        skipped = sum(map(unchecked, done))
        tools += f" ({skipped} files no tool)" if skipped else ""
        times = "; ".join([f"{done[0]['check_seconds']:.1f}"] + [f"{r['seconds']:.1f}" for r in done])
        rows.append(f"| {name} | {commits.get(name, '-')} | {fixes(safe)} | {fixes(unsafe)} | "
                    f"{lines(safe)}; {lines(unsafe)} | {yes(all(r['only_flagged'] for r in done))} | {tools} | "
                    f"{yes(all(r['idempotent'] for r in done))} | {times} |")
    if clean:
        rows.append(f"\nNothing to fix, safe or unsafe (and nothing changed): {', '.join(clean)}.")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--only", action="append", default=[], help="a repository's directory name (repeatable)")
    parser.add_argument("--mirrors", type=Path, help="DIR/NAME/repo is NAME's git directory (for the commit)")
    parser.add_argument("--out", type=Path, help="write one JSON line per repository and mode here")
    parser.add_argument("--keep", type=Path, help="keep the fixed copies here (default: a temporary directory)")
    parser.add_argument("--infractl", default=f"{sys.executable} -m infractl", help="how to run infractl")
    args = parser.parse_args(argv)
    repos = sorted(p for p in args.corpus.iterdir() if p.is_dir() and (not args.only or p.name in args.only))
    under = Path(tempfile.mkdtemp(prefix="fix-corpus-")) if args.keep is None else args.keep
    results, commits = [], {}
    out = open(args.out, "w", encoding="utf-8") if args.out else None  # noqa: SIM115 - closed below
    try:
        for repo in repos:
            commits[repo.name] = commit_of(repo, args.mirrors)
            for mode in MODES:
                print(f"{repo.name} ({mode}) ...", file=sys.stderr, flush=True)
                try:
                    result = measure(repo, under, mode, args.infractl.split())
                except (RuntimeError, subprocess.SubprocessError, OSError, ValueError) as exc:
                    print(f"  {repo.name} ({mode}): {exc}", file=sys.stderr)
                    continue
                results.append(result)
                if out:
                    out.write(json.dumps(result) + "\n")
                    out.flush()
    finally:
        if out:
            out.close()
        if args.keep is None:
            shutil.rmtree(under, ignore_errors=True)
    print(table(results, commits))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
