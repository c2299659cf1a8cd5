"""The rewrite as text edits (rewrite/edits.apply_plan): the forms whose layout the old libcst rewrite set.

Each plan is written by hand, by span, as the analysis gives it; the expected texts are what the libcst
rewrite wrote for the same decisions (its whitespace model is what gaps.py follows).
"""

from __future__ import annotations

from infractl.fix_datetime.plan import Anchor, CallRewrite, ImportMerge, RefRewrite, RewritePlan
from infractl.fix_datetime.rewrite.edits import apply_plan
from infractl.fix_datetime.rewrite.helperconfig import drop_imports_made_unused

TZ = "timezone.utc"


def _offset(code: str, text: str, nth: int) -> int:
    start = -1
    for _ in range(nth + 1):
        start = code.index(text, start + 1)
    return start


def _place(code: str, offset: int) -> tuple[int, int]:
    return code.count("\n", 0, offset) + 1, offset - (code.rfind("\n", 0, offset) + 1)


def span(code: str, text: str, nth: int = 0) -> tuple[int, int, int, int]:
    """The plan's span of the ``nth`` occurrence of ``text``: lines 1-based, columns 0-based."""
    start = _offset(code, text, nth)
    return (*_place(code, start), *_place(code, start + len(text)))


def call(code: str, text: str, nth: int = 0, *, naive: bool = False) -> CallRewrite:
    """The rewrite of the call ``text`` (its ``nth`` occurrence), its ``X.utcnow`` part the plan's ``attr``."""
    kind = "utcnow" if ".utcnow(" in text else "utcfromtimestamp"
    start = _offset(code, text, nth)
    name_end = start + text.index(kind) + len(kind)
    whole = (*_place(code, start), *_place(code, start + len(text)))
    return CallRewrite(whole, (*whole[:2], *_place(code, name_end)), kind, TZ, naive)


def test_a_multi_line_call_gets_tz_on_its_own_line_after_a_trailing_comma_and_comments_stay():
    code = ("from datetime import datetime, timezone\n\n\ndef f(t):\n"
            "    a = datetime.utcfromtimestamp(\n        t,  # seconds\n    )\n"
            "    b = datetime.utcfromtimestamp(t  # why\n    )\n"
            "    c = datetime.utcfromtimestamp(\n        # leading\n        t\n    )\n"
            "    return a, b, c\n")
    plan = RewritePlan(calls=[
        call(code, "datetime.utcfromtimestamp(\n        t,  # seconds\n    )"),
        call(code, "datetime.utcfromtimestamp(t  # why\n    )"),
        call(code, "datetime.utcfromtimestamp(\n        # leading\n        t\n    )"),
    ], limit=1)
    result = apply_plan(code, plan)
    assert result.code == (
        "from datetime import datetime, timezone\n\n\ndef f(t):\n"
        "    a = datetime.fromtimestamp(\n        t,  # seconds\n        tz=timezone.utc,\n    )\n"
        "    b = datetime.fromtimestamp(t, tz=timezone.utc  # why\n    )\n"
        "    c = datetime.fromtimestamp(\n        # leading\n        t,\n        tz=timezone.utc\n    )\n"
        "    return a, b, c\n")
    assert (result.calls_fixed, result.refs_fixed) == (3, 0)


def test_one_line_forms_of_the_tz_argument():
    code = "x = [d.utcfromtimestamp(t, ), d.utcfromtimestamp( t ), d.utcfromtimestamp((t)), d.utcfromtimestamp(t ,)]\n"
    texts = ["d.utcfromtimestamp(t, )", "d.utcfromtimestamp( t )", "d.utcfromtimestamp((t))", "d.utcfromtimestamp(t ,)"]
    result = apply_plan(code, RewritePlan(calls=[call(code, text) for text in texts]))
    assert result.code == ("x = [d.fromtimestamp(t, tz=timezone.utc, ), d.fromtimestamp( t,  tz=timezone.utc), "
                           "d.fromtimestamp((t), tz=timezone.utc), d.fromtimestamp(t, tz=timezone.utc ,)]\n")


def test_utcnow_keeps_a_comment_inside_its_parentheses_and_the_argument_goes_on_the_next_line():
    code = "def f():\n    if True:\n        x = d.utcnow(  # why\n            )\n        y = d.utcnow( )\n"
    plan = RewritePlan(calls=[call(code, "d.utcnow(  # why\n            )"), call(code, "d.utcnow( )")])
    assert apply_plan(code, plan).code == (
        "def f():\n    if True:\n        x = d.now(  # why\n            timezone.utc)\n        y = d.now(timezone.utc)\n")


def test_a_parenthesised_call_made_naive_keeps_its_parentheses_around_the_whole():
    code = "a = (datetime.utcnow())\nb = ( datetime.utcnow() ).isoformat()\nc = str(datetime.utcnow())\n"
    plan = RewritePlan(calls=[call(code, "datetime.utcnow()", n, naive=True) for n in range(3)])
    assert apply_plan(code, plan).code == (
        "a = (datetime.now(timezone.utc).replace(tzinfo=None))\n"
        "b = ( datetime.now(timezone.utc).replace(tzinfo=None) ).isoformat()\n"
        "c = str(datetime.now(timezone.utc).replace(tzinfo=None))\n")


def test_an_outer_replace_tzinfo_utc_or_localize_is_unwrapped_unless_it_holds_a_comment():
    lines = ["a = datetime.utcnow().replace(tzinfo=timezone.utc)",
             "b = (datetime.utcnow()).replace(tzinfo=timezone.utc)",
             "c = (datetime.utcnow().replace(tzinfo=timezone.utc))",
             "d = pytz.utc.localize((datetime.utcnow()))",
             "e = datetime.utcnow().replace(  # keep me\n    tzinfo=timezone.utc)"]
    code = "\n".join(lines) + "\n"
    outers = ["datetime.utcnow().replace(tzinfo=timezone.utc)", "(datetime.utcnow()).replace(tzinfo=timezone.utc)",
              "datetime.utcnow().replace(tzinfo=timezone.utc)", "pytz.utc.localize((datetime.utcnow()))",
              "datetime.utcnow().replace(  # keep me\n    tzinfo=timezone.utc)"]
    plan = RewritePlan(calls=[], anchors=[])
    for index, outer in enumerate(outers):
        whole = span(code, outer, 1 if index == 2 else 0)
        inner = call(code, "datetime.utcnow()", index)
        plan.calls.append(CallRewrite(inner.call, inner.attr, "utcnow", TZ, False, whole, "utc"))
        plan.anchors.append(Anchor(whole, "DT010", "outer", "fix", "error", (index + 1, 5)))
    result = apply_plan(code, plan)
    assert result.code == ("a = datetime.now(timezone.utc)\nb = (datetime.now(timezone.utc))\n"
                           "c = (datetime.now(timezone.utc))\nd = (datetime.now(timezone.utc))\n"
                           "e = datetime.now(timezone.utc).replace(  # keep me\n    tzinfo=timezone.utc)\n")
    # a finding at the unwrapped call stands where the call now starts (its own start, past parentheses)
    assert [(h.line, h.column) for h in result.hazards] == [(1, 5), (2, 6), (3, 6), (4, 6), (5, 5)]


def test_names_merge_into_a_parenthesised_import_one_per_line_keeping_comments():
    code = ("from datetime import (\n    datetime,\n    date,  # unsorted\n)\n"
            "from datetime import (\n    date,\n    tzinfo,  # sorted\n)\n\nx = datetime.utcnow()\n")
    plan = RewritePlan(calls=[call(code, "datetime.utcnow()")], merges=[
        ImportMerge(span(code, "from datetime import (\n    datetime,\n    date,  # unsorted\n)"), (("timezone", None),)),
        ImportMerge(span(code, "from datetime import (\n    date,\n    tzinfo,  # sorted\n)"),
                    (("timezone", "dt_timezone"),)),
    ], limit=2)
    assert apply_plan(code, plan).code == (
        "from datetime import (\n    datetime,\n    date,  # unsorted\n    timezone,\n)\n"
        "from datetime import (\n    date,\n    timezone as dt_timezone,\n    tzinfo,  # sorted\n)\n\n"
        "x = datetime.now(timezone.utc)\n")


def test_a_function_local_import_and_a_one_line_import_take_the_names_the_same_way():
    code = ("def f():\n    from datetime import (\n        datetime,\n    )\n"
            "    from datetime import datetime as dt, date\n    return datetime.utcnow(), dt.utcnow(), date\n")
    plan = RewritePlan(calls=[call(code, "datetime.utcnow()"), call(code, "dt.utcnow()")], merges=[
        ImportMerge(span(code, "from datetime import (\n        datetime,\n    )"), (("timezone", None),)),
        ImportMerge(span(code, "from datetime import datetime as dt, date"), (("timezone", None),)),
    ])
    assert apply_plan(code, plan).code == (
        "def f():\n    from datetime import (\n        datetime,\n        timezone,\n    )\n"
        "    from datetime import datetime as dt, date, timezone\n"
        "    return datetime.now(timezone.utc), dt.now(timezone.utc), date\n")


HELPER = 'def utc_now() -> datetime:\n    """Current UTC time as an aware datetime."""\n    return datetime.now({tz})\n'


def test_a_helper_goes_after_the_docstring_and_future_imports_with_two_blank_lines_around_it():
    code = ('"""The module."""\nfrom __future__ import annotations\n\nfrom datetime import datetime\n'
            "# about the class\nclass Row:\n    created = Column(DateTime, default=datetime.utcnow)\n")
    plan = RewritePlan(refs=[RefRewrite(span(code, "datetime.utcnow"), "utcnow", "utc_now", 3)],
                       merges=[ImportMerge(span(code, "from datetime import datetime"), (("timezone", None),))],
                       helpers=[HELPER.format(tz=TZ)], limit=3)
    assert apply_plan(code, plan).code == (
        '"""The module."""\nfrom __future__ import annotations\n\nfrom datetime import datetime, timezone\n\n\n'
        + HELPER.format(tz=TZ) + "\n\n# about the class\nclass Row:\n    created = Column(DateTime, default=utc_now)\n")


def test_a_new_import_and_a_helper_before_a_statement_after_an_import_block_and_its_indented_comment():
    code = ("import datetime\nif TYPE_CHECKING:\n    import os\n    # indented: the block's\n"
            "# the constant's\nKEY = datetime.datetime.utcnow\n")
    plan = RewritePlan(refs=[RefRewrite(span(code, "datetime.datetime.utcnow"), "utcnow", "utc_now", 2)],
                       new_imports=(("timezone", None), ("UTC", None)), helper_imports=["from app import clock\n"],
                       helpers=[HELPER.format(tz="UTC")], limit=2)
    assert apply_plan(code, plan).code == (
        "import datetime\nfrom datetime import UTC, timezone\nfrom app import clock\n"
        "if TYPE_CHECKING:\n    import os\n    # indented: the block's\n\n\n" + HELPER.format(tz="UTC")
        + "\n\n# the constant's\nKEY = utc_now\n")


def test_new_lines_take_the_files_line_break():
    code = "import datetime\r\nx = datetime.datetime.utcfromtimestamp(\r\n    0,\r\n)\r\n"
    plan = RewritePlan(calls=[call(code, "datetime.datetime.utcfromtimestamp(\r\n    0,\r\n)")],
                       new_imports=(("timezone", None),), limit=1)
    assert apply_plan(code, plan).code == ("import datetime\r\nfrom datetime import timezone\r\n"
                                           "x = datetime.datetime.fromtimestamp(\r\n    0,\r\n    tz=timezone.utc,\r\n)\r\n")


def test_findings_are_placed_in_the_new_text_and_a_swallowed_node_has_none():
    code = "import datetime\n\nx = 1; a = (datetime.datetime.utcnow()) - naive\n"
    inner = call(code, "datetime.datetime.utcnow()")
    binop = span(code, "(datetime.datetime.utcnow()) - naive")
    own = (binop[0], binop[1] + 1, *binop[2:])  # the operation's own extent starts at its left operand
    plan = RewritePlan(calls=[inner], new_imports=(("timezone", None),), limit=1, anchors=[
        Anchor(inner.call, "DT010", "deprecated", "fix", "error", (3, 13)),
        Anchor(inner.attr, "DT999", "on the replaced name: gone", "fix", "warning", (3, 13)),
        Anchor(own, "DT101", "meets line {line}", "fix", "warning", (3, 12), span(code, "naive"), (3, 44)),
        Anchor(inner.call, "DT010", "deprecated", "fix", "error", (3, 13)),  # the same finding twice: once
    ])
    result = apply_plan(code, plan)
    assert result.code == ("import datetime\nfrom datetime import timezone\n\n"
                           "x = 1; a = (datetime.datetime.now(timezone.utc)) - naive\n")
    assert [(h.line, h.column, h.rule, h.message, h.before, h.before_message) for h in result.hazards] == [
        (4, 13, "DT010", "deprecated", (3, 13), "deprecated"),
        (4, 13, "DT101", "meets line 4", (3, 12), "meets line 3"),
    ]


def test_an_import_a_reference_was_the_only_use_of_goes_with_the_lines_above_it():
    old = "import os\n\n# about\nfrom datetime import datetime, timezone\nx = datetime.utcnow\ny = timezone\n"
    new = old.replace("datetime.utcnow", "utc_now")
    assert drop_imports_made_unused(old, new) == (
        "import os\n\n# about\nfrom datetime import timezone\nx = utc_now\ny = timezone\n")
    old = "from datetime import datetime\n\n# c\nimport os\nimport sys; import datetime as dt\nx = datetime.utcnow\n"
    new = old.replace("datetime.utcnow", "utc_now").replace("dt\n", "dt\nz = dt\n")
    assert drop_imports_made_unused(old, new) == "import os\nimport sys; import datetime as dt\nz = dt\nx = utc_now\n"
    old = "import os\nfrom datetime import (  # c\n    timezone,  # t\n    datetime  # d\n)\nx = datetime.utcnow, timezone\n"
    assert drop_imports_made_unused(old, old.replace("datetime.utcnow", "utc_now")) == (
        "import os\nfrom datetime import (  # c\n    timezone  # d\n)\nx = utc_now, timezone\n")
