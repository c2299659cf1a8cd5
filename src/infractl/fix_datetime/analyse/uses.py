"""How the flow analysis (flow.py) reads one use of a value: a method called on it or an attribute read,
or the value passed as an argument. Each use either gives the same result for an aware value (nothing to
do), carries the value on (followed further), or is a problem: where a rewrite to aware would show.
"""

from __future__ import annotations

import ast

from infractl.fix_datetime.analyse.cstshape import call_args, keyword_values, simple_string
from infractl.fix_datetime.analyse.origins import is_none

SAME_VALUE_ATTRS = frozenset({"year", "month", "day", "hour", "minute", "second", "microsecond", "fold"})
# utctimetuple(): a naive value is taken as UTC already, an aware one converted to UTC: the same tuple
SAME_RESULT_METHODS = frozenset({"date", "time", "weekday", "isoweekday", "toordinal", "isocalendar", "ctime",
                                 "utctimetuple"})
# timetuple() differs in tm_isdst (-1 naive, 0 aware), which mktime() reads
LOCAL_TIME_METHODS = frozenset({"timetuple", "timestamp", "astimezone"})
TZ_PROBES = frozenset({"utcoffset", "tzname", "dst"})
TEXT_FUNCS = frozenset({"builtins.str", "builtins.repr", "builtins.format", "builtins.print"})


class ValueUses:
    """Mixed into Flow: needs ``parents``, ``names_of``, ``source``, ``_follow``, ``_problem`` and ``_note``."""

    def _attribute(self, attribute: ast.Attribute, group, depth: int) -> None:
        name = attribute.attr
        call = self.parents.get(attribute)
        is_call = isinstance(call, ast.Call) and call.func is attribute
        if name in SAME_VALUE_ATTRS or (is_call and name in SAME_RESULT_METHODS):
            return
        if name == "tzinfo" or (is_call and name in TZ_PROBES):
            self._problem(group, "DT103", f"its .{name} is read, which is no longer None", attribute, definite=False)
        elif not is_call:
            self._problem(group, "DT109", f"its .{name} attribute is not followed", attribute)
        elif name == "isoformat":
            self._problem(group, "DT105", "isoformat() of it gains '+00:00'", call)
        elif name == "strftime":
            args = call_args(call)
            fmt = args[0][1] if args else None
            text = simple_string(fmt, self.source.segment(fmt)) if fmt is not None else None
            if text is None:
                self._problem(group, "DT105", "strftime() with a format the analysis cannot read", call)
            elif "%z" in text or "%Z" in text:
                self._problem(group, "DT105", "strftime('%z'/'%Z') of it gains the offset", call)
            elif "%s" in text:  # the C library's epoch seconds go through mktime: local time
                self._problem(group, "DT104", "strftime('%s') reads the value as local time", call)
        elif name in LOCAL_TIME_METHODS:
            self._problem(group, "DT104", f"{name}() reads a naive value as local time", call)
        elif name == "replace":
            keywords = keyword_values(call)
            if "tzinfo" in keywords:
                if is_none(keywords["tzinfo"]):
                    self._note(group, "DT102", call)  # the same naive value either way
                return
            self._follow(call, group, depth + 1)
        else:
            self._problem(group, "DT109", f"its .{name}() method is not followed", call)

    def _argument(self, node, call: ast.AST, group, depth: int, arg: ast.AST | None = None) -> None:
        """``node`` passed to ``call``; ``arg``: the ``k=node`` / ``*node`` around it (libcst's Arg), if any."""
        if not isinstance(call, ast.Call):  # a class's base
            self._problem(group, "DT109", "the value is passed on", arg if arg is not None else node)
            return
        func = call.func
        names = self.names_of(func) if isinstance(func, (ast.Name, ast.Attribute)) else set()
        func_name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if names & TEXT_FUNCS or (func_name == "format" and isinstance(func, ast.Attribute)
                                  and isinstance(func.value, ast.Constant)
                                  and isinstance(func.value.value, (str, bytes))):
            self._problem(group, "DT105", f"{func_name}() of it gains '+00:00'", call)
        elif func_name == "localize":
            self._problem(group, "DT108", "it is passed to localize(), which raises on an aware value", call,
                          definite=True)
        elif "builtins.isinstance" in names or "builtins.id" in names:
            return
        else:
            self._problem(group, "DT109", f"it is passed to {func_name or 'a call'}(), which the analysis does "
                          "not follow", call)
