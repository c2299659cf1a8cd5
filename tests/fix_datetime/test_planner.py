"""plan_file (analyse/planner.py): what the analysis on ``ast`` decides for one file, by span.

Each input is the smallest that shows one decision; the expected plans are the libcst pipeline's for the
same inputs (spans: lines 1-based, columns 0-based characters; ``before``: 1-based line and column)."""

from __future__ import annotations

import ast

from infractl.fix_datetime.analyse.planner import plan_file
from infractl.fix_datetime.plan import Anchor, CallRewrite, ImportMerge, RefRewrite, RewritePlan

REWRITE_FIX = "run infractl fix-datetime (or add # noqa: DT010)"
KEEP_FIX = "make the other side aware, then run --mode aware on this file"
NAIVE_FORM = "deprecated datetime.utcnow(): becomes now(timezone.utc) with .replace(tzinfo=None), keeping its naive value"
AWARE_FORM = "deprecated datetime.utcnow(): becomes now(timezone.utc)"


def plan(code: str, **kwargs) -> RewritePlan | None:
    return plan_file(code, ast.parse(code), **kwargs)


def test_an_existing_timezone_binding_spells_utc_and_adds_no_import():
    code = "from datetime import datetime, timezone\n\n\ndef stamp():\n    return {'at': datetime.utcnow()}\n"
    found = plan(code)
    assert found.calls == [CallRewrite((5, 18, 5, 35), (5, 18, 5, 33), "utcnow", "timezone.utc", True, top_index=1)]
    assert found.merges == [] and found.new_imports is None
    assert found.anchors == [
        Anchor((5, 18, 5, 35), "DT010", NAIVE_FORM, REWRITE_FIX, "error", (5, 19)),
        Anchor((5, 18, 5, 35), "DT012", "kept naive: the value is used in a dict the analysis does not follow",
               KEEP_FIX, "info", (5, 19)),
    ]
    assert found.open_groups == [(5, 19)]  # nothing naive is known: --verify may try it aware


def test_without_a_timezone_binding_the_name_is_merged_into_the_datetime_import():
    code = "from datetime import datetime\n\n\ndef label():\n    return f'at {datetime.utcnow()!r:>30}'\n"
    found = plan(code, mode="aware")
    assert found.merges == [ImportMerge((1, 0, 1, 29), (("timezone", None),))]
    assert found.calls[0].tz == "timezone.utc" and not found.calls[0].naive
    formatted = found.anchors[1]
    assert (formatted.rule, formatted.span, formatted.before) == ("DT105", (5, 16, 5, 41), (5, 17))  # the {...}


NAIVE_PARTNER = ("from datetime import datetime\n\n\ndef age(text):\n    then = datetime.strptime(text, '%Y-%m-%d')\n"
                 "    return datetime.utcnow() - then\n")


def test_a_naive_partner_keeps_the_group_naive_and_names_its_line():
    found = plan(NAIVE_PARTNER)
    assert [(c.call, c.naive) for c in found.calls] == [((6, 11, 6, 28), True)]
    assert found.anchors[1] == Anchor((6, 11, 6, 28), "DT012", "kept naive: it meets a naive datetime, line {line}",
                                      KEEP_FIX, "info", (6, 12), partner=(5, 11, 5, 46), partner_before=(5, 12))
    assert found.open_groups == []  # a known naive partner: nothing for --verify to try


def test_aware_mode_reports_the_meeting_as_a_hazard_at_the_subtraction():
    found = plan(NAIVE_PARTNER, mode="aware")
    assert [(c.call, c.naive) for c in found.calls] == [((6, 11, 6, 28), False)]
    hazard = found.anchors[1]
    assert (hazard.rule, hazard.span, hazard.partner, hazard.partner_before) == (
        "DT101", (6, 11, 6, 35), (5, 11, 5, 46), (5, 12))


COLUMN = "from datetime import datetime\n\nfrom sqlalchemy import Column, DateTime\n\ncreated = Column(DateTime, default=datetime.utcnow)\n"


def test_a_reference_gets_a_module_level_helper():
    found = plan(COLUMN)
    assert found.refs == [RefRewrite((5, 35, 5, 50), "utcnow", "naive_utc_now", 2)]
    assert found.helpers == [('def naive_utc_now() -> datetime:\n'
                              '    """Current UTC time as a naive datetime (tzinfo=None), as before the rewrite."""\n'
                              '    return datetime.now(timezone.utc).replace(tzinfo=None)\n')]
    assert found.merges == [ImportMerge((1, 0, 1, 29), (("timezone", None),))]
    assert found.limit == 2  # imports and helpers go above the first statement rewritten


def test_in_aware_mode_the_reference_gets_the_aware_helper_and_the_naive_column_a_hazard():
    found = plan(COLUMN, mode="aware")
    assert found.refs[0].helper == "utc_now"
    assert (found.anchors[0].rule, found.anchors[0].span) == ("DT106", (5, 17, 5, 25))  # the DateTime argument


def test_a_project_helper_is_imported_instead():
    found = plan(COLUMN, project_helpers={("utcnow", "naive"): ("app.clock", "naive_utc_now")})
    assert found.refs[0].helper == "naive_utc_now" and found.helpers == []
    assert found.helper_imports == ["from app.clock import naive_utc_now\n"]


def test_a_replace_with_utc_around_the_call_goes_with_the_rewrite():
    code = ("import datetime\n\n\ndef now():\n"
            "    return datetime.datetime.utcnow().replace(tzinfo=datetime.timezone.utc)\n")
    found = plan(code)
    assert found.calls == [CallRewrite((5, 11, 5, 37), (5, 11, 5, 35), "utcnow", "datetime.timezone.utc", False,
                                       outer=(5, 11, 5, 75), outer_kind="utc", top_index=1)]
    assert found.anchors == [Anchor((5, 11, 5, 75), "DT010", AWARE_FORM, REWRITE_FIX, "error", (5, 12))]


def test_a_file_that_cannot_use_the_datetime_class_is_not_analysed_and_one_with_nothing_gets_an_empty_plan():
    assert plan("import arrow\n\nx = arrow.utcnow()\n") is None
    assert plan("import datetime\n\nx = clock.utcnow()\n") is None
    assert plan("from datetime import datetime\n\nx = datetime.now()\n") == RewritePlan()
