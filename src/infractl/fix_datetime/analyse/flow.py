"""Where does a ``utcnow()`` value go? The flow analysis behind ``--mode auto`` and the hazard rules.

A rewritten call returns an aware value instead of a naive one. That changes nothing as long as the value
only meets other values the rewrite makes aware and is only used in ways that give the same result for
both (``.date()``, ``.year``, ``+ timedelta``, ``strftime`` without ``%z``, comparing with another
rewritten value). The analysis follows each value forward from its call: through assignments to local
names, ``± timedelta``, ``.replace(...)``, attributes set on ``self`` in the same class (private ones: a
public attribute can be read by other modules), and returns of private functions to their call sites in
the same module. Values that meet each other (``start = utcnow() ... utcnow() - start``) form a group and
are rewritten together, or kept naive together.

Anything it cannot follow is a *problem*: the value meets a naive (or unknown) datetime, a naive-expecting
API (pytz ``localize``, ``mktime(timetuple())``, ``timestamp()``, ``astimezone()``), becomes text
(``isoformat()``, ``str()``, f-strings, ``strftime('%z')``), or escapes (passed to a function, stored in
a container, returned from a public function). A group with a problem is kept naive in auto mode; in aware
mode each problem is a hazard at the place where it happens. The same walk from values that are already
aware (``datetime.now(timezone.utc)``) finds hazards in code as it stands.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass, field

from infractl.fix_datetime.analyse.analysis import FUNCTIONS, FileFacts, Site, dotted_name
from infractl.fix_datetime.analyse.cstshape import holder_words
from infractl.fix_datetime.analyse.origins import (
    AWARE,
    MAX_DEPTH,
    NAIVE,
    TIMEDELTA,
    ValueOrigins,
)
from infractl.fix_datetime.analyse.uses import ValueUses


@dataclass(frozen=True)
class Problem:
    """Why a value cannot simply become aware; ``anchor`` is where it happens (the hazard's place)."""

    rule: str  # the hazard rule aware mode reports: DT101 ... DT109
    reason: str  # for the info finding of a site kept naive
    anchor: ast.AST | None  # (a FormattedValue stands for its ``{...}``: the span says so)
    partner: ast.AST | None = None  # the naive value it meets, when there is one
    definite: bool = False  # a known naive partner or API: a bug in code as it stands, too


@dataclass(eq=False)
class Group:
    sites: list[Site] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)  # aware-mode hazards that need not keep it naive
    merged_into: Group | None = None

    def root(self) -> Group:
        group = self
        while group.merged_into is not None:
            group = group.merged_into
        return group

    def absorb(self, other: Group) -> None:
        self.sites.extend(other.sites)
        self.problems.extend(other.problems)
        self.notes.extend(other.notes)
        other.sites, other.problems, other.notes, other.merged_into = [], [], [], self


class Flow(ValueOrigins, ValueUses):
    def __init__(self, facts: FileFacts, names_of: Callable, scopes, sites: list[Site], source) -> None:
        self.facts, self.names_of, self.scopes, self.source = facts, names_of, scopes, source
        self.parents = facts.parents
        self.site_by_value = {s.call: s for s in sites if s.call is not None}
        self.group_of: dict[Site, Group] = {}
        self.seen: dict[ast.AST, Group] = {}  # node -> the group whose value reached it
        self._functions = {f.name: f for f in facts.functions}
        self._returns_of: dict[ast.FunctionDef, list[ast.Return]] = {}
        for ret in facts.returns:
            function = self._enclosing(ret, FUNCTIONS)
            if function is not None:
                self._returns_of.setdefault(function, []).append(ret)

    # --- entry points ----------------------------------------------------------------------------------
    def site_groups(self) -> list[Group]:
        groups = []
        for site in self.site_by_value.values():
            if site in self.group_of:
                continue
            group = Group()
            groups.append(group)
            self._join(site, group)
        return [g for g in groups if g.merged_into is None and g.sites]

    def existing_problems(self, sources: list[ast.Call]) -> list[Problem]:
        """Definite problems of values that are aware in the code as it stands."""
        found = []
        saved = self.seen, self.site_by_value
        self.site_by_value = {}  # in code as it stands, a utcnow() value is naive
        for source in sources:
            group, self.seen = Group(), {}
            self._follow(source, group, 0)
            found.extend(p for p in group.problems if p.definite)
        self.seen, self.site_by_value = saved
        return found

    # --- groups ------------------------------------------------------------------------------------------
    def _join(self, site: Site, group: Group) -> None:
        other = self.group_of.get(site)
        if other is not None:
            if other.root() is not group:
                group.absorb(other.root())  # values that meet are rewritten together
            return
        self.group_of[site] = group
        group.sites.append(site)
        if site.outer_kind is None:  # utcnow().replace(tzinfo=...) gives the same value either way
            self._follow(site.call, group, 0)

    def _problem(self, group: Group, rule: str, reason: str, anchor, partner=None, definite=False) -> None:
        group.problems.append(Problem(rule, reason, anchor, partner, definite))

    def _note(self, group: Group, rule: str, anchor) -> None:
        group.notes.append(Problem(rule, "", anchor))  # an aware-mode hazard that need not keep the value naive

    # --- forward: where a value goes ---------------------------------------------------------------
    def _follow(self, node: ast.AST, group: Group, depth: int) -> None:
        owner = self.seen.get(node)
        if owner is not None:
            if owner.root() is not group:
                group.absorb(owner.root())
            return
        self.seen[node] = group
        if depth > MAX_DEPTH:
            self._problem(group, "DT109", "the value flows further than the analysis follows", node)
            return
        parent = self.parents.get(node)
        kind = type(parent)
        if kind is ast.BinOp:
            self._binary(node, parent, group, depth)
        elif kind is ast.Compare:
            self._comparison(node, parent, group, depth)
        elif kind is ast.Attribute and parent.value is node:
            self._attribute(parent, group, depth)
        elif kind is ast.Call and parent.func is not node:
            self._argument(node, parent, group, depth)
        elif kind in (ast.Starred, ast.keyword) and isinstance(self.parents.get(parent), (ast.Call, ast.ClassDef)):
            self._argument(node, self.parents.get(parent), group, depth, parent)  # libcst: an Arg
        elif kind is ast.ClassDef and any(b is node for b in parent.bases):
            self._argument(node, parent, group, depth, node)
        elif kind is ast.FormattedValue:
            self._problem(group, "DT105", "it is formatted into an f-string, which gains '+00:00'", parent,
                          definite=False)
        elif kind in (ast.Assign, ast.AnnAssign) and parent.value is node:
            targets = parent.targets if kind is ast.Assign else [parent.target]
            for target in targets:
                self._bind(target, node, group, depth)
        elif kind is ast.Return:
            self._returned(parent, group, depth)
        elif kind is ast.Expr:
            return  # the value is discarded
        elif kind is ast.IfExp or kind is ast.BoolOp:
            if kind is ast.IfExp and parent.test is node:
                return
            self._follow(parent, group, depth)
        elif kind is ast.If or kind is ast.While:
            return  # truth value: always True
        elif kind is ast.Lambda and self._is_column_default(parent):
            return  # what the column makes of it is DT106's business (hazards.py)
        else:
            what = holder_words(node, parent, self.parents.get(parent))
            self._problem(group, "DT109", f"the value is used in {what} the analysis does not follow", node)

    def _binary(self, node, parent: ast.BinOp, group: Group, depth: int) -> None:
        other = parent.right if parent.left is node else parent.left
        if isinstance(parent.op, ast.Add):
            self._follow(parent, group, depth + 1)  # datetime + timedelta keeps the awareness
        elif isinstance(parent.op, ast.Sub):
            kinds = {kind for kind, _ in self.origins(other, 0)}
            if node is parent.left and kinds == {TIMEDELTA}:
                self._follow(parent, group, depth + 1)
            else:
                self._meet(parent, other, group)  # datetime - datetime: both sides must agree
        elif isinstance(parent.op, ast.Mod) and isinstance(parent.left, ast.Constant) and isinstance(
                parent.left.value, (str, bytes)):
            self._problem(group, "DT105", "it is %-formatted into text, which gains '+00:00'", parent)
        else:
            self._problem(group, "DT109", "the value is used in an operation the analysis does not follow", parent)

    def _comparison(self, node, parent, group: Group, depth: int) -> None:
        comparison = parent
        operands = [comparison.left, *comparison.comparators]
        index = operands.index(node)
        for position in (index - 1, index):  # the operators on either side of this operand
            if 0 <= position < len(comparison.ops):
                operator = comparison.ops[position]
                other = operands[position + 1] if position == index else operands[position]
                if isinstance(operator, (ast.Is, ast.IsNot)):
                    continue
                if isinstance(operator, (ast.In, ast.NotIn)):
                    self._problem(group, "DT109", "the value is looked up in a container", comparison)
                    continue
                self._meet(comparison, other, group)

    def _bind(self, target, value, group: Group, depth: int) -> None:
        if isinstance(target, ast.Name):
            scope = self.scopes.of(target)
            if scope is None:
                self._problem(group, "DT109", f"it is stored in {target.id}, which the analysis cannot see", target)
                return
            if scope.kind in ("global", "class"):
                # other modules may import it; its uses here are still followed (for aware mode's hazards)
                self._problem(group, "DT109", f"it is stored in the module-level name {target.id}", target)
            self._slot(self._name_sources(target), self._name_uses(target), group, depth, target.id)
        elif isinstance(target, ast.Attribute) and self._is_self(target.value):
            name = target.attr
            if not name.startswith("_"):
                self._problem(group, "DT109", f"it is stored in the public attribute .{name}, which other "
                              "modules may read", target)
            others = [n for n in self.facts.attribute_loads
                      if n.attr == name and not self._is_self(n.value)]
            if others:
                self._problem(group, "DT109", f"{dotted_name(others[0]) or '?'} is read outside the class's methods", target,
                              others[0])
            sources, uses = self._attribute_slot(target)
            self._slot(sources, uses, group, depth, f"self.{name}")
        else:
            self._problem(group, "DT109", "it is stored where the analysis does not follow", target)

    def _slot(self, sources, uses, group: Group, depth: int, label: str) -> None:
        for source in sources:
            if source is None:
                self._problem(group, "DT109", f"{label} is also set where the analysis does not follow", None)
                continue
            self._meet_value(source, group, source, f"{label} is also set to", "DT109")
        for use in uses:
            self._follow(use, group, depth + 1)

    def _returned(self, ret: ast.Return, group: Group, depth: int) -> None:
        function = self._enclosing(ret, FUNCTIONS)
        if function is None or not function.name.startswith("_"):
            name = function.name if function is not None else "?"
            self._problem(group, "DT109", f"it is returned from {name}(), which other modules may call", ret)
            return
        calls = self._calls_of(function)
        if self._references_of(function) > len(calls):  # e.g. passed as a callback: not only called
            self._problem(group, "DT109", f"{function.name} is used other than by calls in this module", ret)
        for call in calls:
            self._follow(call, group, depth + 1)

    def _references_of(self, function: ast.FunctionDef) -> int:
        """How often the function's name is used: plain names in its scope, or ``self.<name>`` in its class."""
        name = function.name
        cls = self._enclosing(function, ast.ClassDef)
        if cls is not None:
            return sum(1 for n in self.facts.attribute_loads if n.attr == name)
        scope = self.scopes.of(function)
        if scope is None or name not in scope:
            return 1 << 30
        return sum(len(assignment.references) for assignment in scope[name])

    def _is_column_default(self, node) -> bool:
        from infractl.fix_datetime.analyse.hazards import column_call

        arg = self.parents.get(node)
        return (isinstance(arg, ast.keyword) and arg.arg in ("default", "onupdate")
                and column_call(self.parents.get(arg)))

    # --- meeting another value -------------------------------------------------------------------------
    def _meet(self, anchor, other, group: Group) -> None:
        self._meet_value(other, group, anchor, "it meets")

    def _meet_value(self, other, group: Group, anchor, verb: str, unknown_rule: str = "DT101") -> None:
        for kind, origin in self.origins(other, 0):
            if isinstance(kind, Site):
                self._join(kind, group)
            elif kind == NAIVE:
                self._problem(group, "DT101", f"{verb} a naive datetime", anchor, origin, definite=True)
            elif kind != AWARE:
                self._problem(group, unknown_rule, f"{verb} a value the analysis cannot tell is aware", anchor,
                              origin)

