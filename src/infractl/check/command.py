"""``infractl check [PATH]``: every static check that applies to the repository, one report, one exit code.

Areas run in threads: most of their time is in subprocesses (actionlint, promtool, kubectl) and file
reads, which release the GIL. An area that fails on bad input becomes an error finding (CHK001) rather
than hiding the other areas' results.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from infractl.check.areas import AREAS, AreaResult
from infractl.config import load_config, reject_unknown_keys, string_list
from infractl.errors import EXIT_FINDINGS, EXIT_OK, InfractlError
from infractl.findings import Finding, Severity, fails
from infractl.render import Report, print_report
from infractl.selection import keep_wanted, resolve_selection

CONFIG_KEYS = ("areas", "skip", "select", "ignore")
WHERE = "[tool.infractl.check]"


def run(path: Path, fmt: str, strict: bool, select, ignore, config_path: Path | None) -> int:
    report = collect(path, select, ignore, config_path)
    print_report(report, fmt)
    return EXIT_FINDINGS if fails(report.findings, strict) else EXIT_OK


def collect(path: Path, select=None, ignore=None, config_path: Path | None = None) -> Report:
    if not path.is_dir():
        raise InfractlError(f"not a directory: {path}")
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
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=min(4, len(names) or 1)) as pool:
        futures = {name: pool.submit(_run_area, name, path, config) for name in names}
        results = {name: future.result() for name, future in futures.items()}
    # read_lines, plus a noqa comment line directly above a Dockerfile instruction
    from infractl.manifests.dockerfile import noqa_lines

    findings = keep_wanted([f for r in results.values() if r for f in r.findings], selection, noqa_lines)
    areas = {name: (result.checked if result else "nothing found") for name, result in results.items()}
    ran = [name for name, result in results.items() if result]
    headline = f"{path}: {len(ran)} of {len(names)} areas apply ({', '.join(ran) or 'none'})"
    return Report(command="check", findings=findings, headline=headline,
                  summary={"areas": len(ran), "seconds": round(time.perf_counter() - started, 3)},
                  extra={"areas": areas}, group_by_path=True)


def _run_area(name: str, root: Path, config) -> AreaResult | None:
    try:
        return AREAS[name](root, config)
    except InfractlError as exc:
        return AreaResult([Finding(str(root), None, None, "CHK001", Severity.ERROR, f"{name}: {exc}",
                                   "run the area's own command for details")], "failed")
