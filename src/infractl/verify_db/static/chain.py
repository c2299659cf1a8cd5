"""verify-db, static half: judge the timestamp columns that an Alembic versions directory leaves behind.

Every revision file is parsed (never imported), the chain is followed from base to head by
``down_revision``, and the final state of each column goes through the shared rules.

Bad input is an ``InfractlError`` (exit 2), never a finding: a missing directory, no revision files,
a file that does not parse, a missing or duplicate ``revision``, a ``down_revision`` naming nothing,
or a cycle. Without every file the chain, and so the final state, cannot be known.
"""

from __future__ import annotations

from collections import namedtuple
from pathlib import Path

from infractl.errors import InfractlError
from infractl.findings import Finding, Severity
from infractl.verify_db.rules import MULTIPLE_HEADS, NOT_FOLLOWED, RuleSettings, check_column
from infractl.verify_db.static.exprs import UNKNOWN_TYPE


class RevisionInfo(namedtuple("RevisionInfo", "revision path down_revision")):
    """A revision id, its file, and ``down_revision``: a tuple, () for a base, two or more for a merge.
    Records here are named tuples, not dataclasses (migration_ops.py says why)."""

    __slots__ = ()


class MigrationState(namedtuple("MigrationState", "heads revisions tables order not_followed")):
    """``heads``: revision ids; ``revisions``: id -> RevisionInfo; ``tables``: table -> column -> final
    state (a ColumnState, so a ColumnInfo); ``order``: upgrade order, base first; ``not_followed``: what
    the static reader could not follow (NotFollowed)."""

    __slots__ = ()


def check_migrations(path: Path, settings: RuleSettings) -> tuple[list[Finding], MigrationState]:
    state = load_state(path, settings.timestamp_types)
    findings: list[Finding] = []
    if len(state.heads) > 1 and MULTIPLE_HEADS.id not in settings.ignore:
        findings.append(MULTIPLE_HEADS.finding(str(path), None, None, f"multiple heads: {', '.join(state.heads)}",
                                               MULTIPLE_HEADS.fix))
    for columns in state.tables.values():
        for col in columns.values():
            findings.extend(check_column(col, settings))
    if NOT_FOLLOWED.id not in settings.ignore:
        findings.extend(not_followed_findings(state, settings))
    return sorted(findings, key=_finding_order), state


def not_followed_findings(state: MigrationState, settings: RuleSettings) -> list[Finding]:
    """DB010: each thing the reader could not follow, and each timestamp-named column of an unknown type."""
    findings = []
    for item in state.not_followed:
        touched = f"it may touch {', '.join(item.tables)}" if item.tables else "the tables it touches are unknown"
        findings.append(NOT_FOLLOWED.finding(
            item.path, item.line, None, f"not followed statically: {item.reason}; {touched}; run with --replay",
            NOT_FOLLOWED.fix))
    for columns in state.tables.values():
        for col in columns.values():
            if col.data_type.startswith(UNKNOWN_TYPE) and settings.wants(col.table, col.column):
                type_name = col.data_type[len(UNKNOWN_TYPE):]
                findings.append(NOT_FOLLOWED.finding(
                    col.path, col.line, None,
                    (f"not followed statically: {col.table}.{col.column} has type {type_name}, which "
                     "resolves to no known type; run with --replay"),
                    "add the type's qualified name to timestamp_types in [tool.infractl.db] if it is a "
                    "timestamp, or run with --replay"))
    return findings


def load_state(path: Path, timestamp_types: tuple[tuple[str, str], ...] = ()) -> MigrationState:
    from infractl.verify_db.static.coltypes import TypeResolver
    from infractl.verify_db.static.parse import parse_revision_file
    from infractl.verify_db.static.state import replay

    path = Path(path)
    if not path.is_dir():
        raise InfractlError(f"migrations directory not found: {path}")
    # alembic reads every .py file in the versions directory except __init__.py, and those of its
    # subdirectories with recursive_version_locations (trees that file revisions by year)
    paths = sorted(p for p in path.rglob("*.py") if p.name != "__init__.py" and not p.name.startswith(".#")
                   and not any(part.startswith((".", "__")) for part in p.relative_to(path).parts[:-1]))
    if not paths:
        raise InfractlError(f"no Alembic revision files (*.py) in {path}")
    parsed = {}
    types = TypeResolver(path, timestamp_types)
    for file_path in paths:
        revision_file = parse_revision_file(file_path, types)
        if revision_file.revision in parsed:
            other = parsed[revision_file.revision].path.name
            raise InfractlError(f"revision {revision_file.revision} is defined twice: {other} and {file_path.name}")
        parsed[revision_file.revision] = revision_file
    order = upgrade_order({rev: f.down_revisions for rev, f in parsed.items()},
                          {rev: f.path.name for rev, f in parsed.items()}, _dependencies(parsed))
    revisions = {rev: RevisionInfo(rev, f.path, f.down_revisions) for rev, f in parsed.items()}
    referenced = {down for f in parsed.values() for down in f.down_revisions}
    heads = [rev for rev in order if rev not in referenced]
    result = replay([parsed[rev] for rev in order])
    return MigrationState(heads=heads, revisions=revisions, tables=result.tables, order=order,
                          not_followed=result.not_followed)


def _dependencies(parsed: dict) -> dict[str, tuple[str, ...]]:
    """``depends_on`` as revision ids (a branch label stands for the revision that carries it; a unique
    prefix for the revision it starts)."""
    labels: dict[str, str] = {}
    for rev, f in parsed.items():
        for label in f.branch_labels:
            labels[label] = rev
    deps: dict[str, tuple[str, ...]] = {}
    for rev, f in parsed.items():
        resolved = []
        for name in f.depends_on:
            target = name if name in parsed else labels.get(name) or next(
                (r for r in parsed if r.startswith(name)), None)
            if target is not None and target != rev:
                resolved.append(target)
        deps[rev] = tuple(resolved)
    return deps


def upgrade_order(downs: dict[str, tuple[str, ...]], names: dict[str, str],
                  depends: dict[str, tuple[str, ...]] | None = None) -> list[str]:
    """Base first; a revision comes after all of its down revisions and its ``depends_on``.

    Ties go by file name, which decides nothing alembic would decide differently: revisions that
    neither precede nor depend on each other touch what they touch in either order.
    """
    children: dict[str, list[str]] = {rev: [] for rev in downs}
    for rev, parents in downs.items():
        for parent in parents:
            if parent not in downs:
                raise InfractlError(f"broken chain: {names[rev]} has down_revision {parent!r}, "
                                    f"which no revision file defines")
            children[parent].append(rev)
    downs = {rev: (*parents, *(depends or {}).get(rev, ())) for rev, parents in downs.items()}
    for rev, extra in (depends or {}).items():
        for parent in extra:
            children[parent].append(rev)
    waiting = {rev: len(set(parents)) for rev, parents in downs.items()}
    ready = sorted((rev for rev, count in waiting.items() if count == 0), key=names.get)
    order: list[str] = []
    while ready:
        rev = ready.pop(0)
        order.append(rev)
        for child in set(children[rev]):
            waiting[child] -= 1
            if waiting[child] == 0:
                ready.append(child)
        ready.sort(key=names.get)
    if len(order) < len(downs):
        stuck = sorted(names[rev] for rev in downs if rev not in order)
        raise InfractlError(f"revision cycle: {', '.join(stuck)} can never be reached from a base revision")
    return order


def _finding_order(finding: Finding) -> tuple:
    severity_rank = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
    return (finding.path, finding.line or 0, severity_rank[finding.severity], finding.rule, finding.message)
