"""Findings that compare two views of the same columns.

DB201 (``--roundtrip``): the checked columns after ``upgrade head`` differ from those after
``downgrade base`` + ``upgrade head``: some downgrade does not undo its upgrade.
DB202 (``--compare-static``): the static reader's final state of a column disagrees with the database
the replay built (a column one side has and the other lacks, or different rule results).
"""

from __future__ import annotations

from pathlib import Path

from infractl.errors import InfractlError
from infractl.findings import Finding, Severity
from infractl.rulebook import Rule
from infractl.verify_db.rules import (
    COMMAND,
    ColumnInfo,
    DefaultKind,
    RuleSettings,
    check_column,
    classify_default,
    is_judged,
)

ROUNDTRIP_MISMATCH = Rule(
    id="DB201", name="roundtrip-mismatch", severity=Severity.ERROR, command=COMMAND,
    summary="a column differs after downgrade to base and upgrade again",
    rationale="verify-db --replay --roundtrip ran downgrade base and upgrade head again, and a checked column "
              "came out different: a downgrade() leaves something behind that the next upgrade() does not "
              "redo (an idempotent CREATE ... IF NOT EXISTS, a default it drops), so rolling back and forward "
              "changes the schema.",
    fix="make each downgrade() undo exactly what its upgrade() does (drop what it created, restore the previous "
        "default), so the upgrade can be replayed",
    no_cases="needs a live replay (--replay --roundtrip against PostgreSQL): tests/verify_db/test_replay.py")
STATIC_DISAGREES = Rule(
    id="DB202", name="static-replay-disagree", severity=Severity.WARNING, command=COMMAND,
    summary="the static reader and the replayed database disagree on a column",
    rationale="verify-db --replay --compare-static: the static reading of the revision files and the database "
              "that `alembic upgrade head` built disagree on this column, so static checks of this tree cannot "
              "be trusted for it.",
    fix="trust --replay for this column; simplify the revision so it can be read statically, or keep checking "
        "this tree with --replay",
    no_cases="needs a live replay (--replay --compare-static against PostgreSQL): tests/verify_db/test_compare.py")
REPLAY_RULES = (ROUNDTRIP_MISMATCH, STATIC_DISAGREES)


def _shape(col: ColumnInfo) -> tuple:
    """What the rules look at. A frozen constant differs between two runs by its timestamp: compare kinds."""
    kind = classify_default(col.default)
    default = kind.value if kind is DefaultKind.CONSTANT else col.default
    return (col.data_type, col.nullable, default, col.has_update_hook)


def _describe(col: ColumnInfo | None) -> str:
    if col is None:
        return "absent"
    default = col.default if col.default is not None else "no default"
    hook = {True: ", update trigger", False: "", None: ""}[col.has_update_hook]
    return f"{col.data_type}, {'NULL' if col.nullable else 'NOT NULL'}, {default}{hook}"


def roundtrip_findings(first: list[ColumnInfo], second: list[ColumnInfo], settings: RuleSettings) -> list[Finding]:
    if ROUNDTRIP_MISMATCH.id in settings.ignore:
        return []
    before = {(c.table, c.column): c for c in first if is_judged(c, settings)}
    after = {(c.table, c.column): c for c in second if is_judged(c, settings)}
    findings = []
    for key in sorted(before.keys() | after.keys()):
        old, new = before.get(key), after.get(key)
        if old is not None and new is not None and _shape(old) == _shape(new):
            continue
        name = f"{key[0]}.{key[1]}"
        findings.append(ROUNDTRIP_MISMATCH.finding(
            key[0], None, None, (f"{name} differs after downgrade base + upgrade head: first upgrade "
                                 f"{_describe(old)}; after the round trip {_describe(new)}"),
            ROUNDTRIP_MISMATCH.fix, logical_name=name, logical_kind="column"))
    return findings


def roundtrip_failure(message: str, path: str | None, settings: RuleSettings) -> list[Finding]:
    """A downgrade base (or the upgrade after it) that fails is the strongest round-trip finding."""
    if ROUNDTRIP_MISMATCH.id in settings.ignore:
        return []
    return [ROUNDTRIP_MISMATCH.finding(path or ".", None, None, f"the round trip fails: {message}",
                                       ROUNDTRIP_MISMATCH.fix)]


def static_findings(version_locations: list[str], replayed: list[ColumnInfo],
                    settings: RuleSettings) -> list[Finding]:
    """One DB202 per judged column where the static reading of the versions directory and the replay differ."""
    from infractl.verify_db.static.chain import check_migrations

    if STATIC_DISAGREES.id in settings.ignore:
        return []
    if len(version_locations) != 1:
        raise InfractlError(f"--compare-static reads one versions directory; this tree has "
                            f"{len(version_locations)}: {', '.join(version_locations)}")
    versions = Path(version_locations[0])
    try:
        _, state = check_migrations(versions, settings)
    except InfractlError as exc:  # the replay's findings still stand; say that static reading fails here
        return [STATIC_DISAGREES.finding(str(versions), None, None, f"the static reader cannot read this tree: {exc}",
                                         STATIC_DISAGREES.fix)]
    from infractl.verify_db.static.exprs import UNKNOWN_TYPE

    # Tables the static reader said it could not follow (DB010): a disagreement there was announced.
    announced = {table.rsplit(".", 1)[-1] for item in state.not_followed for table in item.tables}
    unnamed = [item for item in state.not_followed if not item.tables]  # may touch any table
    static = {}
    for columns in state.tables.values():
        for col in columns.values():
            if is_judged(col, settings):
                schema = col.schema or "public"
                static[(f"{schema}.{col.bare_table or col.table}", col.column)] = col
    live = {(c.table, c.column): c for c in replayed if is_judged(c, settings)}
    findings = []
    for key in sorted(static.keys() | live.keys()):
        mine, truth = static.get(key), live.get(key)
        # DB006 needs trigger knowledge the static reader may lack (None = unknown): then compare the rest.
        unknown_hook = mine is not None and mine.has_update_hook is None
        mine_rules = _rules(mine, settings, unknown_hook)
        truth_rules = _rules(truth, settings, unknown_hook)
        if mine is not None and truth is not None and mine_rules == truth_rules:
            continue
        name = f"{key[0]}.{key[1]}"
        if truth is None:
            what = "the static reader has it, the replayed database does not"
        elif mine is None:
            what = "the replayed database has it, the static reader does not see it"
        else:
            what = "the static reader and the replayed database judge it differently"
        said_so = key[0].rsplit(".", 1)[-1] in announced or (mine is not None and mine.data_type.startswith(UNKNOWN_TYPE))
        message = (f"{name}: {what}: replay {_listing(truth_rules, truth)}; static {_listing(mine_rules, mine)}"
                   + (f" (static state from {Path(mine.path).name}, revision {mine.revision})"
                      if mine is not None and getattr(mine, "revision", "") else "")
                   + _coverage(said_so, unnamed))
        if mine is not None and mine.path:
            findings.append(STATIC_DISAGREES.finding(mine.path, mine.line, None, message, STATIC_DISAGREES.fix))
        else:
            findings.append(STATIC_DISAGREES.finding(key[0], None, None, message, STATIC_DISAGREES.fix,
                                                     logical_name=name, logical_kind="column"))
    return findings


def _coverage(said_so: bool, unnamed: list) -> str:
    """Whether the static reader warned about this (DB010), or missed it silently."""
    if said_so:
        return "; the static reader reports this table as not followed (DB010)"
    if unnamed:
        first = unnamed[0]
        return (f"; the static reader reports {len(unnamed)} step(s) it could not follow that may touch any "
                f"table (DB010), first at {Path(first.path).name}:{first.line}")
    return "; a silent miss of the static reader"


def _rules(col: ColumnInfo | None, settings: RuleSettings, skip_hook: bool) -> tuple[str, ...]:
    if col is None:
        return ()
    return tuple(sorted({f.rule for f in check_column(col, settings) if not (skip_hook and f.rule == "DB006")}))


def _listing(rules: tuple[str, ...], col: ColumnInfo | None) -> str:
    if col is None:
        return "absent"
    return (", ".join(rules) if rules else "clean") + f" ({_describe(col)})"
