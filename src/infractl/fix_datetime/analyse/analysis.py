"""One read-only pass over a parsed file: what to rewrite, and the facts the planner and hazards need.

Everything is resolved by qualified name, so ``self.utcnow()``, ``arrow.utcnow()`` or a local variable
called ``datetime`` are never mistaken for the standard library. One MetadataWrapper resolves
ScopeProvider; qualified names are then asked of the scope (``Scope.get_qualified_names_for``, what
QualifiedNameProvider computes lazily) only for the few candidate nodes - resolving QualifiedNameProvider
itself would add a full traversal (about 40% more time on a 1000-line file).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import Scope, ScopeProvider

UTCNOW = "datetime.datetime.utcnow"
UTCFROMTIMESTAMP = "datetime.datetime.utcfromtimestamp"
STDLIB_UTC = frozenset({"datetime.timezone.utc", "datetime.UTC"})
# other libraries' UTC: ``utcnow().replace(tzinfo=pytz.utc)`` and ``pytz.utc.localize(utcnow())`` are
# idioms for "aware UTC now" and become the plain aware call (the tzinfo is datetime.timezone.utc then)
OTHER_UTC = frozenset({"pytz.utc", "pytz.UTC", "dateutil.tz.UTC", "dateutil.tz.tzutc", "dateutil.tz.tz.tzutc"})
TARGET_ATTRS = frozenset({"utcnow", "utcfromtimestamp"})


@dataclass(eq=False)
class Site:
    """One ``X.utcnow`` / ``X.utcfromtimestamp`` occurrence in the original tree."""

    attr: cst.Attribute  # the ``X.utcnow`` expression itself
    kind: str  # "utcnow" | "utcfromtimestamp"
    scope: Scope
    call: cst.Call | None = None  # set for calls; None for references (default=X.utcnow)
    outer: cst.Call | None = None  # ``.replace(tzinfo=...)`` applied right after the call
    outer_kind: str | None = None  # "utc" (tzinfo=timezone.utc/UTC) | "none" (tzinfo=None)
    top_index: int = 0  # index of the enclosing top-level statement in module.body
    tz: str = ""  # spelled UTC expression, filled in by the speller; "" = leave this site alone
    naive: bool = False  # rewrite to the behaviour-preserving form (``.replace(tzinfo=None)``)


@dataclass(eq=False)
class DatetimeImport:
    """An ``import datetime`` / ``from datetime import ...`` statement and the names it binds."""

    node: cst.Import | cst.ImportFrom
    scope: Scope
    type_checking: bool  # inside ``if TYPE_CHECKING:`` - not bound at runtime
    bindings: dict[str, str]  # bound name -> qualified name ("dt" -> "datetime", "tz" -> "datetime.timezone")


@dataclass(eq=False)
class FileFacts:
    sites: list[Site] = field(default_factory=list)
    imports: list[DatetimeImport] = field(default_factory=list)
    # target Name node of ``name = value`` -> value, for the small "is this name aware/naive" inference
    assigned_values: dict[cst.Name, cst.BaseExpression] = field(default_factory=dict)
    # nodes the hazard rules look at, collected here so the hazards need no second traversal
    comparisons: list[cst.Comparison] = field(default_factory=list)
    subtractions: list[cst.BinaryOperation] = field(default_factory=list)
    calls: list[cst.Call] = field(default_factory=list)
    ann_assigns: list[cst.AnnAssign] = field(default_factory=list)
    # every node on the path from the module to a site or a datetime import: the rewrite descends only
    # into these, and leaves every other subtree untouched without visiting it
    on_site_paths: set[cst.CSTNode] = field(default_factory=set)
    # for the flow analysis (flow.py): every node's parent, and the statements it follows values through
    parents: dict[cst.CSTNode, cst.CSTNode] = field(default_factory=dict)
    returns: list[cst.Return] = field(default_factory=list)
    functions: list[cst.FunctionDef] = field(default_factory=list)
    attribute_loads: list[cst.Attribute] = field(default_factory=list)  # ``<name>.<attr>`` (self.x, m.utcnow)
    assigns: list[cst.Assign] = field(default_factory=list)
    withs: list[cst.With] = field(default_factory=list)


class FactsCollector(cst.CSTVisitor):
    """Collects FileFacts in one traversal; qualified names are computed only for candidate nodes."""

    def __init__(self, scopes) -> None:
        super().__init__()
        self.scopes = scopes
        self.facts = FileFacts()
        self._type_checking_blocks: set[cst.BaseSuite] = set()
        self._type_checking_depth = 0
        self._call_by_func: dict[cst.BaseExpression, cst.Call] = {}
        self._replace_over: dict[cst.Call, tuple[cst.Call, str]] = {}
        self._store_targets: set[cst.BaseExpression] = set()
        self._top_level: dict[cst.CSTNode, int] = {}
        self._top_index = 0
        self._path: list[cst.CSTNode] = []

    def visit_Module(self, node: cst.Module) -> None:
        self._top_level = {stmt: index for index, stmt in enumerate(node.body)}

    def on_visit(self, node: cst.CSTNode) -> bool:
        index = self._top_level.get(node)
        if index is not None:
            self._top_index = index
        if self._path:
            self.facts.parents[node] = self._path[-1]
        self._path.append(node)
        return super().on_visit(node)

    def on_leave(self, original_node: cst.CSTNode) -> None:
        super().on_leave(original_node)
        self._path.pop()

    def _mark_path(self) -> None:
        self.facts.on_site_paths.update(self._path)

    def names_of(self, node: cst.CSTNode) -> set[str]:
        """Qualified names of a Name/Attribute, e.g. {"datetime.datetime.utcnow"}; empty if unknown."""
        scope = self.scopes.get(node)
        if scope is None:
            return set()
        return {q.name for q in scope.get_qualified_names_for(node)}

    # --- imports -------------------------------------------------------------------------------------
    def visit_If(self, node: cst.If) -> None:
        test = node.test
        if (isinstance(test, cst.Name) and test.value == "TYPE_CHECKING") or (
            isinstance(test, cst.Attribute) and test.attr.value == "TYPE_CHECKING"
        ):
            self._type_checking_blocks.add(node.body)

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self._type_checking_depth += node in self._type_checking_blocks

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock) -> None:
        self._type_checking_depth -= original_node in self._type_checking_blocks

    def visit_SimpleStatementSuite(self, node: cst.SimpleStatementSuite) -> None:  # if TYPE_CHECKING: import x
        self._type_checking_depth += node in self._type_checking_blocks

    def leave_SimpleStatementSuite(self, original_node: cst.SimpleStatementSuite) -> None:
        self._type_checking_depth -= original_node in self._type_checking_blocks

    def visit_Import(self, node: cst.Import) -> None:
        bindings = {}
        for alias in node.names:
            if isinstance(alias.name, cst.Name) and alias.name.value == "datetime":
                bound = alias.asname.name.value if alias.asname else "datetime"
                bindings[bound] = "datetime"
        self._add_import(node, bindings)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        module = node.module
        if node.relative or not isinstance(module, cst.Name) or module.value != "datetime":
            return
        if isinstance(node.names, cst.ImportStar):
            return
        bindings = {}
        for alias in node.names:
            if isinstance(alias.name, cst.Name):
                bound = alias.asname.name.value if alias.asname else alias.name.value
                bindings[bound] = f"datetime.{alias.name.value}"
        self._add_import(node, bindings)

    def _add_import(self, node, bindings: dict[str, str]) -> None:
        if bindings:
            self._mark_path()
            self.facts.imports.append(
                DatetimeImport(node, self.scopes[node], self._type_checking_depth > 0, bindings)
            )

    # --- stores, so ``datetime.utcnow = fake`` (monkeypatching) is never rewritten --------------------
    def visit_Return(self, node: cst.Return) -> None:
        self.facts.returns.append(node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.facts.functions.append(node)

    def visit_With(self, node: cst.With) -> None:
        self.facts.withs.append(node)

    def visit_Assign(self, node: cst.Assign) -> None:
        self.facts.assigns.append(node)
        for target in node.targets:
            self._store_targets.add(target.target)
        if len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name):
            self.facts.assigned_values[node.targets[0].target] = node.value

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._store_targets.add(node.target)
        self.facts.ann_assigns.append(node)
        if node.value is not None and isinstance(node.target, cst.Name):
            self.facts.assigned_values[node.target] = node.value

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._store_targets.add(node.target)

    def visit_Del(self, node: cst.Del) -> None:
        self._store_targets.add(node.target)

    # --- expressions -----------------------------------------------------------------------------------
    def visit_Comparison(self, node: cst.Comparison) -> None:
        self.facts.comparisons.append(node)

    def visit_BinaryOperation(self, node: cst.BinaryOperation) -> None:
        if isinstance(node.operator, cst.Subtract):
            self.facts.subtractions.append(node)

    def visit_Call(self, node: cst.Call) -> None:
        self.facts.calls.append(node)
        self._call_by_func[node.func] = node
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value == "replace" and isinstance(func.value, cst.Call):
            kind = self.tzinfo_replacement(node)
            if kind:
                self._replace_over[func.value] = (node, kind)
        if (isinstance(func, cst.Attribute) and func.attr.value == "localize" and len(node.args) == 1
                and not node.args[0].keyword and isinstance(node.args[0].value, cst.Call)
                and self.is_utc(func.value)):
            self._replace_over[node.args[0].value] = (node, "utc")  # pytz.utc.localize(utcnow())

    def tzinfo_replacement(self, call: cst.Call) -> str | None:
        """"utc" for ``.replace(tzinfo=<stdlib UTC>)``, "none" for ``.replace(tzinfo=None)``, else None."""
        if len(call.args) != 1 or call.args[0].keyword is None or call.args[0].keyword.value != "tzinfo":
            return None
        value = call.args[0].value
        if isinstance(value, cst.Name) and value.value == "None":
            return "none"
        return "utc" if self.is_utc(value) else None

    def is_utc(self, value: cst.BaseExpression) -> bool:
        """``timezone.utc``, ``UTC``, ``pytz.utc``, ``tz.tzutc()``: UTC by qualified name."""
        if isinstance(value, cst.Call) and not value.args:
            value = value.func  # tz.tzutc()
            return bool(self.names_of(value)) and all(n.endswith(".tzutc") for n in self.names_of(value))
        if isinstance(value, (cst.Name, cst.Attribute)):
            names = self.names_of(value)
            return bool(names) and names <= STDLIB_UTC | OTHER_UTC and not any(n.endswith(".tzutc") for n in names)
        return False

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if isinstance(node.value, cst.Name):
            self.facts.attribute_loads.append(node)
        if node.attr.value not in TARGET_ATTRS or node in self._store_targets:
            return
        names = self.names_of(node)
        if names not in ({UTCNOW}, {UTCFROMTIMESTAMP}):
            return
        kind = node.attr.value
        site = Site(attr=node, kind=kind, scope=self.scopes[node], top_index=self._top_index)
        call = self._call_by_func.get(node)
        if call is not None:
            if not _call_shape_ok(call, kind):
                return  # e.g. utcnow(tz) - not valid stdlib usage; leave it alone
            site.call = call
            site.outer, site.outer_kind = self._replace_over.get(call, (None, None))
        self._mark_path()
        self.facts.sites.append(site)


def _call_shape_ok(call: cst.Call, kind: str) -> bool:
    if kind == "utcnow":
        return not call.args
    return len(call.args) == 1 and call.args[0].keyword is None and call.args[0].star == ""


def collect_facts(wrapper: cst.MetadataWrapper) -> FactsCollector:
    """Resolve scopes once, then walk the tree once; ``.facts`` holds the result."""
    collector = FactsCollector(wrapper.resolve(ScopeProvider))
    wrapper.module.visit(collector)
    return collector


def dotted_name(node: cst.CSTNode) -> str:
    """``pkg.mod.name`` for a Name or a chain of Attributes; "" for anything else (a call, a subscript).
    The libcst twin of ``infractl.pyast.dotted_name`` (the ``ast`` one)."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        inner = dotted_name(node.value)
        return f"{inner}.{node.attr.value}" if inner else ""
    return ""
