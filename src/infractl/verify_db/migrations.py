"""verify-db, static half: judge the timestamp columns that an Alembic versions directory leaves behind.

Every revision file is parsed (never imported), the chain is followed from base to head by
``down_revision``, and the final state of each column goes through the shared rules.

Bad input is an ``InfractlError`` (exit 2), never a finding: a missing directory, no revision files,
a file that does not parse, a missing or duplicate ``revision``, a ``down_revision`` naming nothing,
or a cycle. Without every file the chain, and so the final state, cannot be known.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from infractl.errors import InfractlError
from infractl.findings import Finding, Severity
from infractl.verify_db.migration_state import ColumnState
from infractl.verify_db.rules import MULTIPLE_HEADS, RuleSettings, check_column


@dataclass(frozen=True)
class RevisionInfo:
    revision: str
    path: Path
    down_revision: tuple[str, ...]  # () for a base, two or more for a merge


@dataclass
class MigrationState:
    heads: list[str]
    revisions: dict[str, RevisionInfo]
    tables: dict[str, dict[str, ColumnState]]  # table -> column -> final state (a ColumnInfo)
    order: list[str] = field(default_factory=list)  # upgrade order, base first


def check_migrations(path: Path, settings: RuleSettings) -> tuple[list[Finding], MigrationState]:
    state = load_state(path)
    findings: list[Finding] = []
    if len(state.heads) > 1 and MULTIPLE_HEADS.id not in settings.ignore:
        findings.append(Finding(
            path=str(path), line=None, column=None, rule=MULTIPLE_HEADS.id, severity=MULTIPLE_HEADS.severity,
            message=f"multiple heads: {', '.join(state.heads)}", fix=MULTIPLE_HEADS.fix))
    for columns in state.tables.values():
        for col in columns.values():
            findings.extend(check_column(col, settings))
    return sorted(findings, key=_finding_order), state


def load_state(path: Path) -> MigrationState:
    from infractl.verify_db.migration_parse import parse_revision_file
    from infractl.verify_db.migration_state import replay

    path = Path(path)
    if not path.is_dir():
        raise InfractlError(f"migrations directory not found: {path}")
    # alembic reads every .py file in the versions directory except __init__.py
    paths = sorted(p for p in path.glob("*.py") if p.name != "__init__.py" and not p.name.startswith(".#"))
    if not paths:
        raise InfractlError(f"no Alembic revision files (*.py) in {path}")
    parsed = {}
    for file_path in paths:
        revision_file = parse_revision_file(file_path)
        if revision_file.revision in parsed:
            other = parsed[revision_file.revision].path.name
            raise InfractlError(f"revision {revision_file.revision} is defined twice: {other} and {file_path.name}")
        parsed[revision_file.revision] = revision_file
    order = upgrade_order({rev: f.down_revisions for rev, f in parsed.items()},
                          {rev: f.path.name for rev, f in parsed.items()})
    revisions = {rev: RevisionInfo(rev, f.path, f.down_revisions) for rev, f in parsed.items()}
    referenced = {down for f in parsed.values() for down in f.down_revisions}
    heads = [rev for rev in order if rev not in referenced]
    return MigrationState(heads=heads, revisions=revisions, tables=replay([parsed[rev] for rev in order]),
                          order=order)


def upgrade_order(downs: dict[str, tuple[str, ...]], names: dict[str, str]) -> list[str]:
    """Base first; a revision comes after all of its down revisions. Ties go by file name."""
    children: dict[str, list[str]] = {rev: [] for rev in downs}
    for rev, parents in downs.items():
        for parent in parents:
            if parent not in downs:
                raise InfractlError(f"broken chain: {names[rev]} has down_revision {parent!r}, "
                                    f"which no revision file defines")
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
