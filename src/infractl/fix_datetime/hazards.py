"""Warnings for places where a value the rewrite made aware is likely to meet a naive one.

Only checked in aware mode and only in files where something was rewritten. The heuristics are kept
narrow on purpose (few false positives): a value counts as *aware* when it is a rewritten call, or a
name whose every assignment in its scope is one; *naive* when it is an obviously naive constructor
(``datetime(2020, 1, 1)``, ``datetime.now()``, ``datetime.min``, ``x.replace(tzinfo=None)``...) or a name
assigned only such values. Examples of each rule live in ``cases/hazard_*.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import libcst as cst

from infractl.fix_datetime.analysis import FileFacts
from infractl.fix_datetime.ruledocs import RULES as _DOCS

# (message, fix) per hazard rule; the text and the rule docs live in ruledocs.
RULES: dict[str, tuple[str, str]] = {rule.id: (rule.summary, rule.fix) for rule in _DOCS if rule.id.startswith("DT1")}

NAIVE_FACTORIES = {"datetime.datetime.now", "datetime.datetime.today", "datetime.datetime.fromtimestamp"}
COLUMN_FUNCS = {"Column", "mapped_column"}
DATETIME_TYPES = {"DateTime", "TIMESTAMP"}
ORDERING_OPS = (cst.LessThan, cst.LessThanEqual, cst.GreaterThan, cst.GreaterThanEqual, cst.Equal, cst.NotEqual)


def _is_none(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"


def _strips_tzinfo(call: cst.BaseExpression) -> bool:
    """``<x>.replace(tzinfo=None)``."""
    return (
        isinstance(call, cst.Call)
        and isinstance(call.func, cst.Attribute)
        and call.func.attr.value == "replace"
        and len(call.args) == 1
        and call.args[0].keyword is not None
        and call.args[0].keyword.value == "tzinfo"
        and _is_none(call.args[0].value)
    )


class Awareness:
    """Tiny, scope-local inference of which expressions are aware or naive datetimes."""

    def __init__(self, facts: FileFacts, names_of: Callable, scopes, aware_nodes: set[cst.CSTNode]) -> None:
        self.facts, self.names_of, self.scopes, self.aware_nodes = facts, names_of, scopes, aware_nodes

    def _name_values(self, name: cst.Name) -> list[cst.BaseExpression] | None:
        scope = self.scopes.get(name)
        if scope is None or name.value not in scope:
            return None
        values = [self.facts.assigned_values.get(getattr(a, "node", None)) for a in scope[name.value]]
        return None if not values or any(v is None for v in values) else values

    def is_aware(self, node: cst.BaseExpression) -> bool:
        if node in self.aware_nodes:
            return True
        values = self._name_values(node) if isinstance(node, cst.Name) else None
        return bool(values) and all(v in self.aware_nodes for v in values)

    def is_naive(self, node: cst.BaseExpression) -> bool:
        if self._naive_expr(node):
            return True
        values = self._name_values(node) if isinstance(node, cst.Name) else None
        return bool(values) and all(self._naive_expr(v) for v in values)

    def _naive_expr(self, node: cst.BaseExpression) -> bool:
        if node in self.aware_nodes:
            return False
        if isinstance(node, cst.Attribute):
            return self.names_of(node) in ({"datetime.datetime.min"}, {"datetime.datetime.max"})
        if not isinstance(node, cst.Call):
            return False
        if _strips_tzinfo(node):
            return True
        names = self.names_of(node.func)
        keywords = {a.keyword.value for a in node.args if a.keyword is not None}
        if any(a.star for a in node.args) or keywords & {"tz", "tzinfo"}:
            return False
        if names == {"datetime.datetime"}:
            return len(node.args) < 8  # the 8th positional argument is tzinfo
        if names == {"datetime.datetime.combine"}:
            return len(node.args) == 2
        if len(names) == 1 and names <= NAIVE_FACTORIES:
            limit = 0 if names == {"datetime.datetime.now"} else 1
            return len(node.args) <= limit
        return False


def find_hazards(
    facts: FileFacts, names_of: Callable, scopes, aware_nodes: set, rewritten_calls: set, aware_refs: set
) -> Iterator[tuple[cst.CSTNode, str]]:
    """(anchor node in the original tree, rule id) for every hazard."""
    aware = Awareness(facts, names_of, scopes, aware_nodes)
    for comparison in facts.comparisons:
        left = comparison.left
        for target in comparison.comparisons:
            right = target.comparator
            if isinstance(target.operator, ORDERING_OPS) and _mixes(aware, left, right):
                yield comparison, "DT101"
            if isinstance(target.operator, (cst.Is, cst.IsNot)) and (
                (_is_tzinfo_probe(left) and _is_none(right)) or (_is_none(left) and _is_tzinfo_probe(right))
            ):
                yield comparison, "DT103"
            left = right
    for operation in facts.subtractions:
        if _mixes(aware, operation.left, operation.right):
            yield operation, "DT101"
    for call in facts.calls:
        rule = _call_rule(call, aware, names_of, rewritten_calls, aware_refs)
        if rule:
            yield rule
    for statement in facts.ann_assigns:
        anchor = _untyped_mapped_column(statement, names_of, aware, aware_refs)
        if anchor is not None:
            yield anchor, "DT106"


def _mixes(aware: Awareness, left, right) -> bool:
    return (aware.is_aware(left) and aware.is_naive(right)) or (aware.is_naive(left) and aware.is_aware(right))


def _is_tzinfo_probe(node: cst.BaseExpression) -> bool:
    if isinstance(node, cst.Attribute):
        return node.attr.value == "tzinfo"
    return (
        isinstance(node, cst.Call)
        and not node.args
        and isinstance(node.func, cst.Attribute)
        and node.func.attr.value == "utcoffset"
    )


def _call_rule(call: cst.Call, aware: Awareness, names_of, rewritten_calls, aware_refs):
    func = call.func
    if _strips_tzinfo(call) and func.value not in rewritten_calls:
        return call, "DT102"
    if isinstance(func, cst.Attribute) and func.attr.value == "isoformat" and aware.is_aware(func.value):
        return call, "DT105"
    if len(call.args) == 1 and not call.args[0].keyword and not call.args[0].star:
        argument = call.args[0].value
        is_str = isinstance(func, cst.Name) and func.value == "str" and "builtins.str" in names_of(func)
        if is_str and aware.is_aware(argument):
            return call, "DT105"
        timetuple = (isinstance(argument, cst.Call) and isinstance(argument.func, cst.Attribute)
                     and argument.func.attr.value == "timetuple")
        if names_of(func) == {"time.mktime"} and timetuple and aware.is_aware(argument.func.value):
            return call, "DT104"
    column_type = _naive_column_type(call, aware, aware_refs)
    if column_type is not None:
        return column_type, "DT106"
    return None


def _spelled(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    return node.attr.value if isinstance(node, cst.Attribute) else ""


def _has_aware_default(call: cst.Call, aware: Awareness, aware_refs: set) -> bool:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value in {"default", "onupdate"}:
            value = arg.value
            if value in aware_refs or (isinstance(value, cst.Lambda) and aware.is_aware(value.body)):
                return True
    return False


def _naive_column_type(call: cst.Call, aware: Awareness, aware_refs: set) -> cst.BaseExpression | None:
    """The ``DateTime`` argument of ``Column(DateTime, default=<aware>)`` when it lacks timezone=True."""
    if _spelled(call.func) not in COLUMN_FUNCS or not call.args or call.args[0].keyword is not None:
        return None
    column_type = call.args[0].value
    base = column_type.func if isinstance(column_type, cst.Call) else column_type
    if _spelled(base) not in DATETIME_TYPES or not _has_aware_default(call, aware, aware_refs):
        return None
    if isinstance(column_type, cst.Call):
        for arg in column_type.args:
            if arg.keyword is not None and arg.keyword.value == "timezone" and not _is_false(arg.value):
                return None
    return column_type


def _is_false(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "False"


def _untyped_mapped_column(statement: cst.AnnAssign, names_of, aware: Awareness, aware_refs: set):
    """``at: Mapped[datetime] = mapped_column(default=<aware>)``: SQLAlchemy maps it to a naive DateTime."""
    call = statement.value
    if not isinstance(call, cst.Call) or _spelled(call.func) != "mapped_column":
        return None
    if any(arg.keyword is None for arg in call.args) or not _has_aware_default(call, aware, aware_refs):
        return None
    for node in _names_and_attributes(statement.annotation):
        if names_of(node) == {"datetime.datetime"}:
            return call
    return None


def _names_and_attributes(root: cst.CSTNode) -> list[cst.CSTNode]:
    """Every Name/Attribute under ``root`` (libcst.matchers.findall would cost its ~150 ms import)."""
    found, stack = [], [root]
    while stack:
        node = stack.pop()
        if isinstance(node, (cst.Name, cst.Attribute)):
            found.append(node)
        stack.extend(node.children)
    return found
