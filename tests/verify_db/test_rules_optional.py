"""Nullable wildcard-matched timestamps without a default are optional event times, not forgotten now()."""

import pytest

from infractl.errors import InfractlError
from infractl.verify_db.rules import ColumnInfo, RuleSettings, check_column
from infractl.verify_db.settings import rule_settings


def column(name: str, nullable: bool, default: str | None = None) -> ColumnInfo:
    return ColumnInfo("public.users", name, "timestamp with time zone", nullable, default, True)


def rules(col: ColumnInfo, settings: RuleSettings | None = None) -> set[str]:
    return {f.rule for f in check_column(col, settings or RuleSettings())}


def test_optional_event_time_is_skipped():
    assert rules(column("deleted_at", nullable=True)) == set()


def test_exact_names_and_explicit_columns_are_always_judged():
    assert rules(column("updated_at", nullable=True)) == {"DB001", "DB005"}
    explicit = RuleSettings(columns=("users.deleted_at",))
    assert rules(column("deleted_at", nullable=True), explicit) == {"DB001", "DB005"}


def test_not_null_or_defaulted_wildcard_columns_are_judged():
    assert rules(column("received_at", nullable=False)) == {"DB001"}
    assert rules(column("deleted_at", nullable=True, default="clock_timestamp()")) == {"DB003", "DB005"}


def test_can_be_switched_off_in_config():
    settings = rule_settings({"optional_when_nullable": False})
    assert rules(column("deleted_at", nullable=True), settings) == {"DB001", "DB005"}
    with pytest.raises(InfractlError, match="true or false"):
        rule_settings({"optional_when_nullable": "no"})
