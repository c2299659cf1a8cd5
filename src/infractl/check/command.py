"""``infractl check [PATH]``: every static check that applies to the repository, one report, one exit code.

Areas run one after the other in this thread. Threads would overlap the subprocesses (actionlint,
promtool, kubectl) with Python work, but CPython 3.11's ast module is not safe to use from two threads
at once ("SystemError: AST constructor recursion depth mismatch", seen with Debian 12's 3.11.2), and
several areas parse Python with it. An area that fails on bad input becomes an error finding (CHK001)
rather than hiding the other areas' results, and so does an unexpected exception (CHK002, an infractl
bug): per input where the area loops over its inputs, per area around it (check/isolation.py).
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from pathlib import Path

from infractl.check.areas import AREAS, REGISTRY, declared
from infractl.check.isolation import failure
from infractl.config import load_config, reject_unknown_keys, string_list
from infractl.discover.files import named_directory
from infractl.discover.scanner import Scanner
from infractl.errors import EXIT_FINDINGS, EXIT_OK, InfractlError
from infractl.findings import fails
from infractl.manifests.checks.noqa import noqa_lines
from infractl.render import Report, print_report
from infractl.rulebook.selection import keep_wanted, resolve_selection

CONFIG_KEYS = ("areas", "skip", "select", "ignore")
WHERE = "[tool.infractl.check]"


def run(path: Path, fmt: str, strict: bool, select, ignore, config_path: Path | None, scanner=None,
        fix=None) -> int:
    """``fix``: ``fixing.outcome.FixOptions`` for ``--fix`` (None: read-only, the default)."""
    report = collect(path, select, ignore, config_path, scanner)
    if fix is not None:
        from infractl.config import find_config_file
        from infractl.fixing.outcome import report_with_fixes
        from infractl.fixing.workspace import moved

        # The copy the fixes are checked in has no parents: name the configuration the real tree uses, the
        # copy's own when it is inside the tree (its relative paths, such as a wiremock dir, then lead into
        # the copy).
        config = config_path or find_config_file(path)
        inside = config is not None and Path(os.path.abspath(config)).is_relative_to(os.path.abspath(path))

        def recheck(copy: Path):
            return collect(copy, select, ignore, moved(config, path, copy) if inside else config).findings

        return report_with_fixes(report, path, recheck, fix, fmt, strict)
    print_report(report, fmt)
    return EXIT_FINDINGS if fails(report.findings, strict) else EXIT_OK


def collect(path: Path, select=None, ignore=None, config_path: Path | None = None,
            scanner: Scanner | None = None) -> Report:
    """Every area over ``path``, walking and reading through one ``Scanner`` (entry.py's head start, which
    may have begun the datetime area's scan already, else one of its own)."""
    if scanner is None:
        with Scanner() as own:
            return collect(path, select, ignore, config_path, own)
    named_directory(path)
    config = load_config(path, config_path)
    section = config.section("check")
    reject_unknown_keys(section, CONFIG_KEYS, WHERE)
    wanted = string_list(section, "areas", WHERE, tuple(AREAS))
    skipped = string_list(section, "skip", WHERE)
    unknown = sorted((set(wanted) | set(skipped)) - set(AREAS))
    if unknown:
        raise InfractlError(f"{WHERE}: unknown area {', '.join(unknown)} (areas: {', '.join(AREAS)})")
    selection = resolve_selection(section, config.data, select, ignore, WHERE)
    names = [name for name in wanted if name not in skipped]
    area_selections = {}
    # every area's table is validated, run or not: a misspelled key must not make an area find nothing
    for name in REGISTRY:
        area = declared(name)
        where = config.where(area.table)  # as the file spells it: [tool.infractl.lint-ci] or [tool.infractl.lint_ci]
        if config.section(area.table):
            reject_unknown_keys(config.section(area.table), area.known_keys(), where)
        if name in names:  # the area's own select/ignore, as its command applies them (check's flags come after)
            area_selections[name] = resolve_selection(config.section(area.table), {}, None, None, where)
    started = time.perf_counter()
    with _progress() as status:
        results: dict[str, Report | None] = {}
        # datetime last: its walk and scan may still be running in the scanner's child meanwhile
        for name in sorted(names, key=lambda area: area == "datetime"):
            if status is not None:
                status.update(f"checking {path}: {name} ({len(results)} of {len(names)} areas done) …")
            results[name] = _run_area(name, path, config, scanner)
        results = {name: results[name] for name in names}
    findings = [f for name, r in results.items() if r for f in area_selections[name].apply(r.findings)]
    if findings:  # read_lines, plus a noqa comment line directly above a Dockerfile instruction
        findings = keep_wanted(findings, selection, noqa_lines)
    areas = {name: result.headline if result else _nothing_found(name, path) for name, result in results.items()}
    ran = [name for name, result in results.items() if result]
    headline = f"{path}: {len(ran)} of {len(names)} areas apply ({', '.join(ran) or 'none'})"
    return Report(command="check", findings=findings, headline=headline,
                  summary={"areas": len(ran), "seconds": round(time.perf_counter() - started, 3)},
                  columns=["area", "looked at"], rows=[[name, text] for name, text in areas.items()],
                  extra={"areas": areas}, group_by_path=True)


def _nothing_found(name: str, path: Path) -> str:
    """What an area with nothing to look at says: what it looked for, and where, so that a repository
    whose files sit elsewhere learns it rather than reading silence as a pass."""
    looked_for = getattr(declared(name), "looked_for", "")
    return f"nothing found: looked for {looked_for} under {path}" if looked_for else "nothing found"


def _run_area(name: str, root: Path, config, scanner: Scanner) -> Report | None:
    """The area's result; when the area as a whole fails (its configuration, or a defect outside its
    per-input net), one finding on the repository says so and the other areas still run."""
    try:
        return AREAS[name](root, config, scanner)
    except Exception as exc:  # noqa: BLE001 - see check/isolation.py
        return Report(name, [failure(name, root, exc)], headline="failed")


def _progress():
    """A status line on stderr while areas run (kustomize and actionlint can take seconds on a big
    repository); nothing when stderr is not a terminal, so CI logs stay quiet."""
    if not sys.stderr.isatty():
        return contextlib.nullcontext(None)
    from rich.console import Console

    return Console(stderr=True).status("checking …")
