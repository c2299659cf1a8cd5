"""``[tool.infractl.db]`` -> what verify-db needs: where the database is, and how strict the rules are.

Keys: url, schemas, patterns, columns, update_patterns, naive_severity, nullable_severity, ignore,
optional_when_nullable (skip nullable wildcard-matched columns without a default),
connect_timeout (seconds), statement_timeout (seconds), migrations (default path for --migrations),
timestamp_types (a project's own column types the static reader cannot resolve through their ``impl``).
Command-line flags win over the file; ``DATABASE_URL`` sits between them for the URL.
"""

from __future__ import annotations

import os
from collections import namedtuple
from pathlib import Path

TYPE_CHECKING = False  # typing costs ~2 ms of start-up (infractl check); only type checkers need Any
if TYPE_CHECKING:
    from typing import Any

from infractl.config import reject_unknown_keys, string_list
from infractl.errors import InfractlError
from infractl.findings import Severity
from infractl.verify_db import rules
from infractl.verify_db.live.compare import REPLAY_RULES
from infractl.verify_db.rules import RULES, RuleSettings

KNOWN_KEYS = {"url", "schemas", "patterns", "columns", "update_patterns", "naive_severity", "nullable_severity",
              "select", "ignore", "optional_when_nullable", "connect_timeout", "statement_timeout", "migrations",
              "timestamp_types"}
DEFAULT_SCHEMAS = ("public",)
WHERE = "[tool.infractl.db]"  # how error messages name this table
DEFAULT_CONNECT_TIMEOUT = 5.0
DEFAULT_STATEMENT_TIMEOUT = 30.0


class LiveSettings(namedtuple("LiveSettings", "url schemas connect_timeout statement_timeout",
                              defaults=(DEFAULT_CONNECT_TIMEOUT, DEFAULT_STATEMENT_TIMEOUT))):
    """How to reach the database (``url``, None when not given; ``schemas``, a tuple) and how long to
    wait for it (seconds). A named tuple: ``check`` imports this module (findings.py says why)."""

    __slots__ = ()


def rule_settings(section: dict[str, Any]) -> RuleSettings:
    """RuleSettings from the config section; missing keys keep the rules' defaults."""
    reject_unknown_keys(section, KNOWN_KEYS, WHERE)
    defaults = RuleSettings()
    known_ids = {rule.id for rule in (*RULES, *rules.MIGRATION_RULES, *REPLAY_RULES)}
    ignore = string_list(section, "ignore", WHERE, ())
    unknown_ids = sorted(set(ignore) - known_ids)
    if unknown_ids:
        raise InfractlError(f"[tool.infractl.db] ignore: unknown rule id(s) {', '.join(unknown_ids)} "
                            f"(known: {', '.join(sorted(known_ids))})")
    return RuleSettings(
        patterns=string_list(section, "patterns", WHERE, defaults.patterns),
        columns=string_list(section, "columns", WHERE, defaults.columns),
        update_patterns=string_list(section, "update_patterns", WHERE, defaults.update_patterns),
        naive_severity=_severity(section, "naive_severity", defaults.naive_severity),
        nullable_severity=_severity(section, "nullable_severity", defaults.nullable_severity),
        ignore=ignore,
        optional_when_nullable=_flag(section, "optional_when_nullable", defaults.optional_when_nullable),
        timestamp_types=_timestamp_types(section),
    )


def _timestamp_types(section: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """``["myapp.db.types.UtcDateTime"]`` (timestamptz) or ``{"myapp.db.types.Naive" = "timestamp"}``."""
    if "timestamp_types" not in section:
        return ()
    value = section["timestamp_types"]
    from infractl.verify_db.static.sql import sql_type

    if isinstance(value, dict):
        pairs = list(value.items())
    else:
        pairs = [(name, "timestamp with time zone") for name in string_list(section, "timestamp_types", WHERE, ())]
    for name, data_type in pairs:
        if not isinstance(data_type, str) or sql_type(data_type) not in ("timestamp with time zone",
                                                                            "timestamp without time zone"):
            raise InfractlError(f"[tool.infractl.db] timestamp_types: {name} must map to \"timestamptz\" or "
                                f"\"timestamp\"; got {data_type!r}")
    return tuple((name, sql_type(data_type)) for name, data_type in pairs)


def _flag(section: dict[str, Any], key: str, default: bool) -> bool:
    value = section.get(key, default)
    if not isinstance(value, bool):
        raise InfractlError(f"[tool.infractl.db] {key} must be true or false")
    return value


def live_settings(section: dict[str, Any], url_flag: str | None, schema_flags: list[str]) -> LiveSettings:
    """The flag wins, then ``DATABASE_URL``, then the config file."""
    url = url_flag or os.environ.get("DATABASE_URL") or section.get("url")
    if url is not None and not isinstance(url, str):
        raise InfractlError("[tool.infractl.db] url must be a string")
    schemas = tuple(schema_flags) or string_list(section, "schemas", WHERE, DEFAULT_SCHEMAS)
    if not schemas:
        raise InfractlError("[tool.infractl.db] schemas must name at least one schema")
    return LiveSettings(
        url=url or None,
        schemas=tuple(dict.fromkeys(schemas)),  # repeated --schema flags check a schema once
        connect_timeout=_seconds(section, "connect_timeout", DEFAULT_CONNECT_TIMEOUT),
        statement_timeout=_seconds(section, "statement_timeout", DEFAULT_STATEMENT_TIMEOUT),
    )


def migrations_path(section: dict[str, Any], root: Path) -> Path | None:
    """The configured default for ``--migrations``, relative to the config file's directory."""
    value = section.get("migrations")
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise InfractlError("[tool.infractl.db] migrations must be a path string")
    return root / value


def _severity(section: dict[str, Any], key: str, default: Severity) -> Severity:
    value = section.get(key)
    if value is None:
        return default
    try:
        return Severity(str(value).lower())
    except ValueError:
        raise InfractlError(f"[tool.infractl.db] {key} must be one of error, warning, info; got {value!r}") from None


def _seconds(section: dict[str, Any], key: str, default: float) -> float:
    value = section.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise InfractlError(f"[tool.infractl.db] {key} must be a positive number of seconds; got {value!r}")
    return float(value)
