"""``infractl fix-datetime``: find the files that use utcnow()/utcfromtimestamp(), rewrite them.

The pipeline is built for big trees: walk (``infractl.discover.files``), read bytes, keep only files whose
bytes mention ``.utcnow``/``.utcfromtimestamp`` and whose ``ast`` confirms a use of the standard
library's (``candidates``, ``prefilter``: no libcst import until then), rewrite those in-process or in
worker processes (``workers``), then write (``fsio``: only a file still as it was read, never outside the
paths given; Ctrl-C stops between two files), diff or report.

Exit codes: 0 when every rewrite was written (or, with --check, nothing would change); 1 with
--check and changes pending, or when a file could not be processed (an error finding: it is left
untouched, the others are still rewritten), or on hazard warnings with --strict; 2 on bad input
(missing path, bad configuration) or when there were candidate files and none could be processed.
--diff prints the diff and exits 0 (1 with --check and changes pending).
"""

from __future__ import annotations

import sys
from collections import namedtuple
from pathlib import Path

from infractl.config import load_config, reject_unknown_keys, string_list
from infractl.discover.scanner import Scanner, walk_key
from infractl.errors import InfractlError
from infractl.findings import Finding, Severity
from infractl.fix_datetime.analyse.rules import REWRITE_RULE
from infractl.fix_datetime.report import build_report, exit_code
from infractl.fix_datetime.rewrite.helperconfig import parse_project_helpers
from infractl.fix_datetime.rules import (
    EXPLICIT_FILE_EXCLUDED,
    FILE_CANNOT_BE_READ,
    LINK_OUTSIDE_PATHS,
    NOT_WRITTEN,
    PATH_NOT_WALKED,
)
from infractl.fix_datetime.select.candidates import (
    DEFAULT_MAX_FILE_SIZE,
    parse_size,
    read_candidates,
)
from infractl.fix_datetime.workers import (
    DEFAULT_LINE_LENGTH,
    FileResult,
    fix_all,
    worker_count,
)
from infractl.render import print_report
from infractl.render.diff import unified_diffs
from infractl.rulebook.selection import RuleSelection, keep_wanted, resolve_selection

MODES = ("auto", "aware", "naive")
TARGET_VERSIONS = ("py38", "py39", "py310", "py311", "py312", "py313", "py314")
CONFIG_KEYS = ("exclude", "mode", "target_version", "jobs", "select", "ignore", "max_file_size", "helper",
               "naive_helper")


class Settings(namedtuple("Settings", "mode target_version exclude jobs root selection max_file_size project_helpers")):
    """The run's settings, from flags and ``[tool.infractl.fix_datetime]``: ``exclude`` globs (a tuple) are
    relative to ``root``, the config file's directory, else the cwd; ``max_file_size`` in bytes (0: no
    limit); ``project_helpers``: (kind, mode) -> (module, name), helperconfig. A named tuple, as
    ``Finding`` (findings.py says why)."""

    __slots__ = ()


def run(paths, check, diff, mode, target_version, exclude, jobs, fmt, strict, config_path, select=None,
        ignore=None, max_file_size=None, scanner: Scanner | None = None, verify: str | None = None,
        verify_budget: str | None = None) -> int:
    if diff and fmt in ("sarif", "github"):
        raise InfractlError(f"--diff cannot be combined with --format {fmt} (use table or json)")
    options = {"mode": mode, "target_version": target_version, "exclude": exclude, "jobs": jobs,
               "config_path": config_path, "select": select, "ignore": ignore, "max_file_size": max_file_size}
    verified = None
    if verify is not None:  # the project's tests decide first, in a copy (verify/); then the one real run
        from infractl.fix_datetime.verify.entry import by_real_path, verified_plan

        verified = verified_plan([Path(p) for p in paths], verify, verify_budget, mode, options)
        check = check or not verified.write  # fail closed: nothing is written when the suite could not decide
    outcome = collect(paths, check=check, diff=diff, progress=fmt == "table", scanner=scanner,
                      verdicts=by_real_path(verified.verdicts) if verified else None, new_text=diff or not check,
                      **options)
    if verified is not None and verified.findings:
        outcome = outcome._replace(results=[FileResult(".", None, findings=tuple(verified.findings)),
                                            *outcome.results])
    diffs = unified_diffs(outcome.texts) if diff else {}
    if diff and fmt == "table":
        sys.stdout.write("".join(diffs.values()))
    dry_run = check or diff
    report = build_report(outcome.results, outcome.scanned, dry_run, outcome.settings,
                          diffs if fmt == "json" else {})
    if verified is not None:
        from infractl.fix_datetime.verify.entry import summarise

        summarise(report, verified)
    print_report(report, fmt, to_stderr=diff)
    return exit_code(outcome.results, report.findings, check, strict)


class Outcome(namedtuple("Outcome", "results settings scanned texts")):
    """``results``: a FileResult per candidate file (and per path that could not be walked); ``scanned``:
    how many files were walked; ``texts``: the old and new text of each changed file (dry runs only)."""

    __slots__ = ()


def collect(paths, *, check=False, diff=False, mode=None, target_version=None, exclude=(), jobs=None,
            config_path=None, select=None, ignore=None, max_file_size=None, progress=False,
            scanner: Scanner | None = None, verdicts: dict | None = None, new_text: bool = True) -> Outcome:
    """Everything but the output: walk, filter, rewrite; write unless ``check``/``diff``; the findings
    the user wants (select/ignore/noqa). ``infractl check`` calls this with ``check=True`` and its run's
    ``scanner`` (which may have begun the walk and scan in a child already). ``verdicts``: --verify's, by
    each file's real path. ``new_text``: False when only the findings (at their places in the input) and
    whether each file would change are wanted (``--check`` without ``--diff``): long lines are not wrapped."""
    if scanner is None:  # its own run: nothing else reads the files again, so no bytes are kept
        with Scanner(keep_bytes=0) as own:
            return collect(paths, check=check, diff=diff, mode=mode, target_version=target_version,
                           exclude=exclude, jobs=jobs, config_path=config_path, select=select, ignore=ignore,
                           max_file_size=max_file_size, progress=progress, scanner=own, verdicts=verdicts,
                           new_text=new_text)
    paths = [Path(p) for p in paths]
    walk_problems: list[FileResult] = []
    for path in paths:
        if not path.exists() and path.is_symlink():  # a loop or a broken link: said, not an abort
            walk_problems.append(skipped_path(path, "loop", "a symlink that leads nowhere (a loop or a broken link)"))
        elif not path.exists():
            raise InfractlError(f"path does not exist: {path}")
    paths = [path for path in paths if path.exists()]
    settings = resolve_settings(paths, mode, target_version, list(exclude), jobs, config_path, select, ignore,
                                max_file_size)
    files = scanner.files(paths, (".py",), settings.exclude, settings.root,
                          on_skip=lambda path, kind, reason: walk_problems.append(skipped_path(path, kind, reason)))
    worth_reading = scanner.worth_a_look(files, walk_key(paths, settings.exclude, settings.root),
                                         parallel=settings.jobs != 1)
    with _head_start_second_core(worth_reading, settings, scanner.take_second_core()) as helper:
        found = read_candidates(worth_reading, settings.max_file_size, scanner.read, within=paths)
        items = found.items
        workers = worker_count(settings.jobs, items)
        stubbed = _stubbed(items, found.others, files)
        results = fix_all(items, settings.mode, settings.target_version, workers, progress=progress,
                          line_length=_line_length(paths[0] if paths else Path("."), items, new_text),
                          project_helpers=settings.project_helpers, stubbed=stubbed,
                          held=held_rewrites(settings.selection), verdicts=_by_item(items, verdicts),
                          second_core=settings.jobs != 1, trees=found.trees, helper=helper)
    if stubbed:
        from infractl.fix_datetime.stubs.steps import stub_notes

        results.extend(stub_notes(stubbed, items))
    results = [*walk_problems, *found.skipped, *results]
    dry_run = check or diff
    texts = changed_texts(items, results) if dry_run and items else {}
    if dry_run:
        # Nothing was written: report every finding where it is in the file on disk.
        results = findings_before(results, pending_is_error=check)
    else:
        results = write_changes(results, {name: (data, found.identities.get(name)) for name, data in items}, paths)
    results = wanted_findings(results, settings.selection)
    return Outcome(results, settings, len(files), texts)


def _head_start_second_core(worth_reading: list, settings: Settings, started):
    """The head start's second core (entry.py; secondcore.py), whose imports are done by now: kept for the
    rewrite when some file may hold a site and a second core may be used, else ended (fix_all forks one of
    its own where a run without a head start needs one)."""
    from contextlib import nullcontext

    from infractl.fix_datetime.select.prescan import AWARE, UTC

    if started is None:
        return nullcontext()
    if settings.jobs != 1 and any(why in (UTC, AWARE) for _, why in worth_reading):
        return started
    started.close()
    return nullcontext()


def _by_item(items: list, verdicts: dict | None) -> dict | None:
    if not verdicts:
        return None
    import os

    return {path: verdicts[real] for path, _ in items if (real := os.path.realpath(path)) in verdicts}


def _line_length(path: Path, items: list, new_text: bool) -> int:
    """The project's line length; 0 (no wrapping) when nobody sees the new text."""
    if not new_text:
        return 0
    if not items:  # nothing to rewrite: no need to read the project's formatter settings
        return DEFAULT_LINE_LENGTH
    from infractl.fix_datetime.rewrite.linewrap import project_line_length

    return project_line_length(path)


def _stubbed(items: list, installers: list, walked: list[str]) -> dict:
    """What the tests' clock stubs tell each file (stubrun.py, stubgroups.py): only when there is something
    to rewrite."""
    if not items:
        return {}
    from infractl.fix_datetime.stubs.steps import stub_verdicts_for

    return stub_verdicts_for(items, installers, walked)


def resolve_settings(paths, mode, target_version, exclude, jobs, config_path, select=None, ignore=None,
                     max_file_size=None) -> Settings:
    """Flags win over ``[tool.infractl.fix_datetime]``; exclude globs from both apply."""
    config = load_config(paths[0] if paths else None, config_path)
    section = config.section("fix_datetime")
    where = config.where('fix_datetime')  # guard.guarded puts the file in front (config.in_config_file)
    reject_unknown_keys(section, CONFIG_KEYS, where)
    configured_exclude = string_list(section, "exclude", where)
    mode = mode or section.get("mode", "auto")
    if mode not in MODES:
        raise InfractlError(f"{where}: mode must be one of {', '.join(MODES)}, not {mode!r}")
    target_version = target_version or section.get("target_version")
    if target_version is not None and target_version not in TARGET_VERSIONS:
        raise InfractlError(f"{where}: target_version must be one of {', '.join(TARGET_VERSIONS)}")
    jobs = jobs or section.get("jobs")
    if jobs is not None and (isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1):
        raise InfractlError(f"{where}: jobs must be a positive integer")
    selection = resolve_selection(section, config.data, select, ignore, where)
    if max_file_size is not None:
        size = parse_size(max_file_size, "--max-file-size")
    else:
        size = parse_size(section.get("max_file_size", DEFAULT_MAX_FILE_SIZE), where)
    helpers = parse_project_helpers(section, where, mode, config.root)
    return Settings(mode, target_version, (*configured_exclude, *exclude), jobs, config.root, selection, size,
                    helpers)


def skipped_path(path: Path, kind: str, reason: str) -> FileResult:
    """What the walk could not or would not look at, as a finding: never silence."""
    if kind == "excluded":
        finding = EXPLICIT_FILE_EXCLUDED.finding(str(path), None, None, f"skipped: {reason}",
                                                 "drop it from exclude (config or --exclude) to rewrite it")
    else:
        finding = PATH_NOT_WALKED.finding(str(path), None, None, f"skipped: {reason}",
                                          "fix or remove the link, or the directory's permissions")
    return FileResult(str(path), None, findings=(finding,), skipped=kind)


def held_rewrites(selection: RuleSelection) -> frozenset[str]:
    """The rewrite rules not selected: as with ruff's ``--ignore`` of a fixable rule, not fixed either."""
    return frozenset(rule.id for rule in REWRITE_RULE.values() if not selection.enabled(rule.id))


def wanted_findings(results: list[FileResult], selection: RuleSelection) -> list[FileResult]:
    """Drop findings the user did not select, ignored, or suppressed with ``# noqa`` on their line."""
    return [r._replace(findings=tuple(keep_wanted(r.findings, selection))) if r.findings else r
            for r in results]


def write_changes(results: list[FileResult], read: dict[str, tuple[bytes, tuple | None]],
                  within: list[Path]) -> list[FileResult]:
    """Write every rewritten file that is still as it was read (``read``: path -> (bytes, identity)), inside
    ``within``, atomically; a refused or failed write leaves the file as it is and says why."""
    from infractl.fsio import Snapshot, interrupt_between_files, write_if_unchanged

    written = []
    with interrupt_between_files() as stop_if_interrupted:
        for result in results:
            stop_if_interrupted()  # Ctrl-C: every file is either as it was or fully rewritten
            if result.new_data is None:
                written.append(result)
                continue
            outcome = write_if_unchanged(Path(result.path), Snapshot(*read[result.path]), result.new_data, within)
            written.append(_after_write(result, outcome))
    return written


def _after_write(result: FileResult, outcome) -> FileResult:
    """A written file keeps its findings ("rewritten ..."); one left as it was gets the findings of the
    file on disk (its DT010/DT011 still errors, as with --check) and the reason it was not written."""
    if not outcome.skipped:
        return result
    from infractl.fsio import ADVICE

    rule = LINK_OUTSIDE_PATHS if outcome.kind == "outside" else NOT_WRITTEN
    rule = FILE_CANNOT_BE_READ if outcome.kind == "error" else rule  # an OSError on write, as before
    message = outcome.reason if outcome.kind == "error" else f"not written: {outcome.reason}"
    finding = rule.finding(result.path, None, None, f"{message}; file left unchanged", ADVICE.get(outcome.kind, ""))
    if outcome.kind == "error":  # as any failure to process the file (exit 2 when every file fails)
        return FileResult(result.path, None, findings=(*result.findings_before, finding), failed=True)
    # refused on purpose: a finding (exit 1), never the "nothing could be done" of exit 2
    return FileResult(result.path, None, findings=(*result.findings_before, finding), skipped="not written")


_REWRITES = frozenset(rule.id for rule in REWRITE_RULE.values())


def findings_before(results: list[FileResult], pending_is_error: bool) -> list[FileResult]:
    """The findings at their places in the input; a pending rewrite (DT010/DT011) is an error with
    --check, and info with --diff alone (which shows the change rather than failing on it)."""
    def pending(finding: Finding) -> Finding:
        if pending_is_error or finding.rule not in _REWRITES:
            return finding
        return finding._replace(severity=Severity.INFO)  # the rewrite rules' declared ``varies``

    return [r._replace(findings=tuple(pending(f) for f in r.findings_before)) if r.findings_before
            else r for r in results]


def changed_texts(items: list[tuple[str, bytes]], results: list[FileResult]) -> dict[str, tuple[str, str]]:
    """Old and new text of every changed file, decoded as the file declares, newlines untouched."""
    from infractl.fix_datetime.sourcefile import decode_source

    originals = dict(items)
    return {
        r.path: (decode_source(originals[r.path]).text, decode_source(r.new_data).text)
        for r in results
        if r.new_data is not None
    }
