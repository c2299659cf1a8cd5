"""``infractl fix-skips [PATHS]``: gate unconditionally skipped service tests on an environment variable.

Exit codes as fix-datetime: 0 when every rewrite was written (or nothing to do); 1 with --check and
changes pending, a file left untouched, or warnings with --strict; 2 on bad input. Writes go through
``infractl.fsio.write_if_unchanged``: a file that changed since it was read, went away, is read-only, is
hard-linked, would change owner (FS004) or lies outside the paths given (FS005) is left as it is.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

from infractl.config import load_config, reject_unknown_keys, string_list
from infractl.errors import EXIT_FINDINGS, EXIT_OK, InfractlError
from infractl.findings import Finding, Severity, fails
from infractl.fix_skips.prefilter import may_skip
from infractl.fix_skips.rules import (
    DOES_NOT_PARSE,
    LINK_OUTSIDE,
    NOT_READ,
    NOT_WRITTEN,
    SKIP_WITHOUT_SERVICE,
    SKIPPED_EVERYWHERE,
)
from infractl.render import Report, print_report
from infractl.rulebook.selection import RuleSelection, keep_wanted, resolve_selection, suppressed_by_noqa

CONFIG_KEYS = ("env", "exclude", "select", "ignore")
ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class FileOutcome:
    path: str
    old: str
    new: str | None  # None when unchanged or not processed
    findings: tuple[Finding, ...]
    new_data: bytes | None = None  # ``new`` encoded as the file was
    before: object = None  # fsio.Snapshot of the file as read, for the compare-and-swap write
    pending: tuple[Finding, ...] = ()  # the findings if the rewrite is not written (FS001: "would be gated")


def run(paths: list[Path], check: bool, diff: bool, env: str | None, fmt: str, strict: bool, select, ignore,
        config_path: Path | None) -> int:
    for path in paths:
        if not path.exists():
            raise InfractlError(f"path does not exist: {path}")
    config = load_config(paths[0], config_path)
    section, where = config.section("fix_skips"), config.where("fix_skips")
    reject_unknown_keys(section, CONFIG_KEYS, where)
    env = env or section.get("env", "RUN_E2E_TESTS")
    if not isinstance(env, str) or not ENV_NAME.match(env):
        raise InfractlError(f"--env must be an environment variable name, not {env!r}")
    selection = resolve_selection(section, config.data, select, ignore, where)
    from infractl.discover.files import iter_files

    not_read: list[Finding] = []

    def skipped(where_: Path, kind: str, reason: str) -> None:  # never silent: FS006 says what was missed
        if kind != "excluded":
            not_read.append(NOT_READ.finding(str(where_), None, None, f"not read: {reason}"))

    files = list(iter_files(paths, (".py",), string_list(section, "exclude", where), config.root,
                            on_skip=skipped))
    dry_run = check or diff
    outcomes = [fix_file(f, env, dry_run, selection) for f in files]
    if not dry_run:
        outcomes = [write(o, within=paths) for o in outcomes]
    # suppression comments are read from the text the findings were made on, not the rewritten file
    before = {o.path: o.old.splitlines() for o in outcomes if o.old}
    findings = keep_wanted([*not_read, *(f for o in outcomes for f in o.findings)], selection, before.get)
    changed = [o for o in outcomes if o.new is not None]
    if diff and fmt == "table":
        from infractl.render.diff import unified_diffs

        sys.stdout.write("".join(unified_diffs({o.path: (o.old, o.new) for o in changed}).values()))
    verb = "would change" if dry_run else "changed"
    report = Report(command="fix-skips", findings=findings, headline=f"{len(changed)} files {verb} "
                    f"({len(files)} scanned, env {env})",
                    summary={"files_scanned": len(files), "files_changed": len(changed), "written": not dry_run})
    print_report(report, fmt, to_stderr=diff)
    if check and changed:
        return EXIT_FINDINGS
    return EXIT_FINDINGS if fails(findings, strict) else EXIT_OK


def fix_file(path: Path, env: str, dry_run: bool, selection: RuleSelection | None = None) -> FileOutcome:
    from infractl.fix_datetime.sourcefile import SourceDecodeError, decode_source, encode_source
    from infractl.fsio import read_snapshot

    name = str(path)
    try:
        before = read_snapshot(path)
        data = before.data
        if not may_skip(data):  # the parse is the cost; most test files cannot hold a skip
            return FileOutcome(name, "", None, ())
        source = decode_source(data)
        from infractl.fix_skips.transform import transform_source

        lines = source.text.splitlines()

        def rewrite(skip) -> bool:  # a suppressed or deselected FS001 is not fixed either (as in ruff)
            line = lines[skip.line - 1] if 0 < skip.line <= len(lines) else ""
            return (selection is None or selection.enabled("FS001")) and not suppressed_by_noqa("FS001", line)

        result = transform_source(source.text, env, rewrite)
        new_data = encode_source(source, result.code) if result.fixed else None
    except SyntaxError as exc:
        return FileOutcome(name, "", None, (DOES_NOT_PARSE.finding(name, exc.lineno, exc.offset,
                                                                f"does not parse: {exc.msg}; left untouched"),))
    except (OSError, SourceDecodeError) as exc:
        return FileOutcome(name, "", None, (DOES_NOT_PARSE.finding(name, None, None,
                                                                f"cannot read or decode: {exc}; left untouched"),))
    findings = _skip_findings(name, result, env, written=not dry_run)
    pending = _skip_findings(name, result, env, written=False) if not dry_run and new_data is not None else ()
    return FileOutcome(name, source.text, result.code if new_data is not None else None, tuple(findings), new_data,
                       before, tuple(pending))


def _skip_findings(name: str, result, env: str, written: bool) -> list[Finding]:
    """FS001 for each skip gated (``written``: info, "gated") or still to gate (error, "would be gated"),
    FS002 for each left alone."""
    severity = Severity.INFO if written else Severity.ERROR
    verb = "gated" if written else "would be gated"
    findings = [SKIPPED_EVERYWHERE.finding(name, s.line, s.column,
                                           f"{s.target} is skipped everywhere ({s.reason}): {verb} on {env}",
                                           f"run it with {env}=1 where the service exists", severity)
                for s in result.fixed]
    findings += [SKIP_WITHOUT_SERVICE.finding(name, s.line, s.column,
                                              f"{s.target} is skipped unconditionally ({s.reason or 'no reason'}); left alone",
                                              "fix the test and remove the skip") for s in result.kept]
    return findings


def write(outcome: FileOutcome, within: list[Path] | None = None) -> FileOutcome:
    """Write the rewrite if the file is still as it was read; else its findings are those of the file left
    as it is ("would be gated"), with the reason (FS004, or FS005 for a link outside ``within``)."""
    if outcome.new is None:
        return outcome
    from infractl.fsio import ADVICE, write_if_unchanged

    result = write_if_unchanged(Path(outcome.path), outcome.before, outcome.new_data, within)
    if not result.skipped:
        return outcome
    rule = {"outside": LINK_OUTSIDE, "error": DOES_NOT_PARSE}.get(result.kind, NOT_WRITTEN)
    message = result.reason if result.kind == "error" else f"not written: {result.reason}"
    failure = rule.finding(outcome.path, None, None, f"{message}; left untouched", ADVICE.get(result.kind, ""))
    return FileOutcome(outcome.path, outcome.old, None, (*outcome.pending, failure))
