"""How the flow analysis (flow.py) reads one use of a value: a method called on it or an attribute read,
or the value passed as an argument. Each use either gives the same result for an aware value (nothing to
do), carries the value on (followed further), or is a problem: where a rewrite to aware would show.
"""

from __future__ import annotations

import libcst as cst

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
    """Mixed into Flow: needs ``parents``, ``names_of``, ``_follow``, ``_problem`` and ``_note``."""

    def _attribute(self, attribute: cst.Attribute, group, depth: int) -> None:
        name = attribute.attr.value
        call = self.parents.get(attribute)
        is_call = isinstance(call, cst.Call) and call.func is attribute
        if name in SAME_VALUE_ATTRS or (is_call and name in SAME_RESULT_METHODS):
            return
        if name == "tzinfo" or (is_call and name in TZ_PROBES):
            self._problem(group, "DT103", f"its .{name} is read, which is no longer None", attribute, definite=False)
        elif not is_call:
            self._problem(group, "DT109", f"its .{name} attribute is not followed", attribute)
        elif name == "isoformat":
            self._problem(group, "DT105", "isoformat() of it gains '+00:00'", call)
        elif name == "strftime":
            fmt = call.args[0].value if call.args else None
            if not isinstance(fmt, cst.SimpleString):
                self._problem(group, "DT105", "strftime() with a format the analysis cannot read", call)
            elif "%z" in fmt.value or "%Z" in fmt.value:
                self._problem(group, "DT105", "strftime('%z'/'%Z') of it gains the offset", call)
            elif "%s" in fmt.value:  # the C library's epoch seconds go through mktime: local time
                self._problem(group, "DT104", "strftime('%s') reads the value as local time", call)
        elif name in LOCAL_TIME_METHODS:
            self._problem(group, "DT104", f"{name}() reads a naive value as local time", call)
        elif name == "replace":
            keywords = {a.keyword.value: a.value for a in call.args if a.keyword is not None}
            if "tzinfo" in keywords:
                if is_none(keywords["tzinfo"]):
                    self._note(group, "DT102", call)  # the same naive value either way
                return
            self._follow(call, group, depth + 1)
        else:
            self._problem(group, "DT109", f"its .{name}() method is not followed", call)

    def _argument(self, node, arg: cst.Arg, group, depth: int) -> None:
        call = self.parents.get(arg)
        if not isinstance(call, cst.Call) or arg.value is not node:
            self._problem(group, "DT109", "the value is passed on", arg)
            return
        names = self.names_of(call.func) if isinstance(call.func, (cst.Name, cst.Attribute)) else set()
        func_name = call.func.attr.value if isinstance(call.func, cst.Attribute) else getattr(call.func, "value", "")
        if names & TEXT_FUNCS or (func_name == "format" and isinstance(call.func, cst.Attribute)
                                  and isinstance(call.func.value, (cst.SimpleString, cst.ConcatenatedString))):
            self._problem(group, "DT105", f"{func_name}() of it gains '+00:00'", call)
        elif func_name == "localize":
            self._problem(group, "DT108", "it is passed to localize(), which raises on an aware value", call,
                          definite=True)
        elif "builtins.isinstance" in names or "builtins.id" in names:
            return
        else:
            self._problem(group, "DT109", f"it is passed to {func_name or 'a call'}(), which the analysis does "
                          "not follow", call)
