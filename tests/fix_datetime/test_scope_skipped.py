"""The scope analysis (``syntax.scopes.Scopes``, the biggest part of a candidate file's analysis) runs only for a
file that may hold a stdlib site, a value the flow analysis starts from, or a column default (issue 16)."""

from __future__ import annotations

import ast

import pytest

from infractl.fix_datetime.rewrite.transform import TransformResult, transform_source
from infractl.fix_datetime.syntax import scopes

# A test of a project with its own clock: it names utcnow only in a patch target, so it is a candidate
# (a stub of datetime's utcnow would look the same), but nothing in it is the datetime class.
PATCHES_OWN_CLOCK = '''import datetime
from unittest import mock


def test_expiry():
    with mock.patch("app.clock.utcnow", return_value=datetime.datetime(2020, 1, 1)):
        assert datetime.timedelta(days=1)
'''


@pytest.fixture
def analysed(monkeypatch):
    """The files the scope analysis ran on."""
    seen = []
    real = scopes.Scopes

    def recording(tree):
        import ast

        seen.append(ast.unparse(tree))
        return real(tree)

    monkeypatch.setattr(scopes, "Scopes", recording)
    return seen


def test_a_test_that_patches_only_the_projects_own_clock_is_not_scope_analysed(analysed):
    assert transform_source(PATCHES_OWN_CLOCK) == TransformResult(PATCHES_OWN_CLOCK, 0, 0, ())
    assert analysed == []


def test_the_same_test_with_a_stdlib_call_is(analysed):
    code = PATCHES_OWN_CLOCK + "\n\nSTART = datetime.datetime.utcnow()\n"
    result = transform_source(code)
    assert result.calls_fixed == 1 and analysed == [ast.unparse(ast.parse(code))]


@pytest.mark.parametrize("aware", ["datetime.datetime.now(berlin)", "dt.now(tz=berlin)"])
def test_an_aware_value_of_the_datetime_class_is_still_followed(aware, analysed):
    """``now(tz)`` with any tz starts the flow analysis (DT101 where it meets a naive value)."""
    code = PATCHES_OWN_CLOCK + f"\n\nfrom datetime import datetime as dt\n\nLATE = {aware} - dt.now()\n"
    result = transform_source(code)
    assert [h.rule for h in result.hazards] == ["DT101"]
    assert analysed == [ast.unparse(ast.parse(code))]


def test_a_column_default_is_still_checked(analysed):
    code = PATCHES_OWN_CLOCK + (
        "\n\nfrom sqlalchemy import Column, DateTime\n\n"
        "created = Column(DateTime, default=lambda: now().replace(tzinfo=datetime.timezone.utc))\n")
    result = transform_source(code)
    assert [h.rule for h in result.hazards] == ["DT106"]
    assert analysed == [ast.unparse(ast.parse(code))]
