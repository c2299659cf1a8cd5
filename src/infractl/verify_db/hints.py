"""Fix hints for findings on a real column: the exact SQL for that table and column, and the flag that
writes the fix as a migration (for the rules --fix-migration fixes)."""

from __future__ import annotations

import re
from dataclasses import replace

from infractl.findings import Finding
from infractl.verify_db.rules import ColumnInfo

WRITES_FIX = " (`infractl verify-db --migrations DIR --fix-migration DIR` writes this as an Alembic revision)"


def quote_ident(name: str) -> str:
    """An SQL identifier as PostgreSQL needs it: bare when lower-case and plain, else double-quoted."""
    return name if re.fullmatch(r"[a-z_][a-z0-9_$]*", name) else '"' + name.replace('"', '""') + '"'


def qualified(table: str) -> str:
    schema, _, bare = table.rpartition(".")
    return f"{quote_ident(schema)}.{quote_ident(bare)}" if schema else quote_ident(bare)


def column_fix(rule: str, col: ColumnInfo) -> str | None:
    """The hint for ``rule`` on ``col``; None keeps the rule's generic hint."""
    alter = f"ALTER TABLE {qualified(col.table)} ALTER COLUMN {quote_ident(col.column)}"
    if rule in ("DB001", "DB002", "DB003"):
        return f"{alter} SET DEFAULT now(){WRITES_FIX}"
    if rule == "DB004":
        return (f"{alter} TYPE timestamptz USING {quote_ident(col.column)} AT TIME ZONE 'UTC' "
                "(if the stored values are UTC; aware datetimes are shifted by the session time zone)")
    if rule == "DB005":
        return f"{alter} SET NOT NULL (after filling the NULL rows)"
    if rule == "DB006":
        return (f"a BEFORE UPDATE trigger on {qualified(col.table)} that sets NEW.{quote_ident(col.column)} "
                "= now(), or onupdate=func.now() on the model")
    if rule == "DB007":
        return f"{alter} SET DEFAULT now() if the expression is not deliberate"
    return None


def locate(finding: Finding, col: ColumnInfo) -> Finding:
    """A live finding: the column as a logical (non-file) location, and a hint naming it."""
    fix = column_fix(finding.rule, col)
    return replace(finding, fix=fix if fix is not None else finding.fix,
                   logical_name=f"{col.table}.{col.column}", logical_kind="column")
