"""One read-only pass over a parsed file: what to rewrite, and the facts the planner and hazards need.

Everything is resolved by qualified name, so ``self.utcnow()``, ``arrow.utcnow()`` or a local variable
called ``datetime`` are never mistaken for the standard library. The scopes (syntax/scopes.py, libcst's
ScopeProvider's semantics on ``ast``) are built once; qualified names are then asked only for the few
candidate nodes. The walk is one loop over ``ast``'s nodes; the lists it fills are put in source order
afterwards (by position), the order libcst's visitor met them in.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from infractl.fix_datetime.analyse.cstshape import source_order
from infractl.fix_datetime.syntax.scopes import Scope
from infractl.load.pyast import dotted_name  # the one dotted_name (flow.py takes it from here)

UTCNOW = "datetime.datetime.utcnow"
UTCFROMTIMESTAMP = "datetime.datetime.utcfromtimestamp"
STDLIB_UTC = frozenset({"datetime.timezone.utc", "datetime.UTC"})
# other libraries' UTC: ``utcnow().replace(tzinfo=pytz.utc)`` and ``pytz.utc.localize(utcnow())`` are
# idioms for "aware UTC now" and become the plain aware call with that very tzinfo (``now(pytz.utc)``:
# ``tz.tzutc() == timezone.utc`` is False, and arrow 1.2.3's own tests compare tzinfos)
OTHER_UTC = frozenset({"pytz.utc", "pytz.UTC", "dateutil.tz.UTC", "dateutil.tz.tzutc", "dateutil.tz.tz.tzutc"})
TARGET_ATTRS = frozenset({"utcnow", "utcfromtimestamp"})
# the class's factories whose value is aware when given a tz (safety._already_aware: the flow analysis's
# other starting points, besides the sites); origins.py takes them from here
LOCAL_FACTORIES = frozenset({"datetime.datetime.now", "datetime.datetime.today", "datetime.datetime.fromtimestamp"})
# the attributes of the datetime class the analysis starts from: a site, or an aware value as it stands
_STARTING_ATTRS = TARGET_ATTRS | {name.rsplit(".", 1)[1] for name in LOCAL_FACTORIES}
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)  # libcst's FunctionDef is both
# fields that never hold a node the analysis needs (operators and contexts are shared singletons, an
# import's aliases and a global's names are not followed): what is left holds nodes, None or lists of them
_SKIPPED_FIELDS = frozenset({"ctx", "op", "ops", "type_comment", "type_ignores", "id", "attr", "arg", "name",
                             "asname", "module", "level", "kind", "conversion", "is_async", "simple", "rest",
                             "names", "kwd_attrs"})
_FIELDS: dict[type, tuple[str, ...]] = {ast.MatchSingleton: ()}  # node class -> the fields that hold nodes
_HOLES = (ast.Dict, ast.arguments)  # lists with None in them


@dataclass(eq=False)
class Site:
    """One ``X.utcnow`` / ``X.utcfromtimestamp`` occurrence in the tree."""

    attr: ast.Attribute  # the ``X.utcnow`` expression itself
    kind: str  # "utcnow" | "utcfromtimestamp"
    scope: Scope
    call: ast.Call | None = None  # set for calls; None for references (default=X.utcnow)
    outer: ast.Call | None = None  # ``.replace(tzinfo=...)`` applied right after the call
    outer_kind: str | None = None  # "utc" (tzinfo=timezone.utc/UTC) | "none" (tzinfo=None)
    outer_tz: ast.expr | None = None  # with "utc": another library's UTC there, which the new call is given
    top_index: int = 0  # index of the enclosing top-level statement in module.body
    tz: str = ""  # spelled UTC expression, filled in by the speller; "" = leave this site alone
    naive: bool = False  # rewrite to the behaviour-preserving form (``.replace(tzinfo=None)``)


@dataclass(eq=False)
class DatetimeImport:
    """An ``import datetime`` / ``from datetime import ...`` statement and the names it binds."""

    node: ast.Import | ast.ImportFrom
    scope: Scope
    type_checking: bool  # inside ``if TYPE_CHECKING:`` - not bound at runtime
    bindings: dict[str, str]  # bound name -> qualified name ("dt" -> "datetime", "tz" -> "datetime.timezone")


@dataclass(eq=False)
class FileFacts:
    sites: list[Site] = field(default_factory=list)
    imports: list[DatetimeImport] = field(default_factory=list)
    # target Name node of ``name = value`` -> value, for the small "is this name aware/naive" inference
    assigned_values: dict[ast.Name, ast.expr] = field(default_factory=dict)
    # nodes the hazard rules look at, collected here so the hazards need no second traversal
    calls: list[ast.Call] = field(default_factory=list)
    ann_assigns: list[ast.AnnAssign] = field(default_factory=list)
    # for the flow analysis (flow.py): every node's parent, and the statements it follows values through
    parents: dict[ast.AST, ast.AST] = field(default_factory=dict)
    returns: list[ast.Return] = field(default_factory=list)
    functions: list[ast.FunctionDef] = field(default_factory=list)
    attribute_loads: list[ast.Attribute] = field(default_factory=list)  # ``<name>.<attr>`` (self.x, m.utcnow)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


class FactsCollector:
    """Collects FileFacts: ``walk`` needs no scopes (and tells whether the file may use the datetime class
    at all); ``resolve`` then asks qualified names of the few candidate nodes."""

    def __init__(self, tree: ast.Module) -> None:
        self.tree = tree
        self.facts = FileFacts()
        self._store_targets: set[ast.AST] = set()
        self._candidates: list[ast.Attribute] = []
        self._imports: list[ast.Import | ast.ImportFrom] = []
        self._type_checking_blocks: list[ast.If] = []
        self._top_indices: dict[int, int] | None = None
        self._walk(tree)

    def _walk(self, tree: ast.Module) -> None:
        facts, parents = self.facts, self.facts.parents
        store, candidates, fields_of = self._store_targets, self._candidates, _FIELDS
        attribute_loads, calls = facts.attribute_loads, facts.calls
        stack = [tree]
        pop, push, extend = stack.pop, stack.append, stack.extend
        while stack:
            node = pop()
            cls = node.__class__
            if cls is ast.Attribute:
                if node.value.__class__ is ast.Name:
                    attribute_loads.append(node)
                if node.attr in TARGET_ATTRS:
                    candidates.append(node)
            elif cls is ast.Call:
                calls.append(node)
            elif cls is ast.Name or cls is ast.Constant:
                continue
            elif cls is ast.Assign:
                store.update(node.targets)
                if len(node.targets) == 1 and node.targets[0].__class__ is ast.Name:
                    facts.assigned_values[node.targets[0]] = node.value
            elif cls is ast.AnnAssign:
                store.add(node.target)
                facts.ann_assigns.append(node)
                if node.value is not None and node.target.__class__ is ast.Name:
                    facts.assigned_values[node.target] = node.value
            elif cls is ast.AugAssign:
                store.add(node.target)
            elif cls is ast.Delete:
                if len(node.targets) == 1:  # libcst's Del holds one target (a Tuple for ``del a, b``)
                    store.add(node.targets[0])
            elif cls is ast.Return:
                facts.returns.append(node)
            elif cls is ast.FunctionDef or cls is ast.AsyncFunctionDef:
                facts.functions.append(node)
            elif cls is ast.Import or cls is ast.ImportFrom:
                self._imports.append(node)
            elif cls is ast.If and _is_type_checking(node.test):
                self._type_checking_blocks.append(node)
            fields = fields_of.get(cls)
            if fields is None:
                fields = fields_of[cls] = tuple(f for f in cls._fields if f not in _SKIPPED_FIELDS)
            for name in fields:
                value = getattr(node, name)
                if value.__class__ is list:
                    if value:
                        if cls in _HOLES and None in value:  # ``{**x}``'s key, a keyword-only parameter's default
                            value = [child for child in value if child is not None]
                        parents.update(dict.fromkeys(value, node))
                        extend(value)
                elif value is not None:
                    parents[value] = node
                    push(value)

    def may_start_flow(self) -> bool:
        """Whether the analysis may find a starting point: ``R.utcnow``/``R.utcfromtimestamp`` (a site) or
        ``R.now``/``R.today``/``R.fromtimestamp`` (aware as it stands, given a tz) where ``R`` may be the
        ``datetime`` class (prefilter.may_use_datetime_class's test: a Name bound by ``from datetime import
        datetime [as R]``, or ``M.datetime`` for ``import datetime [as M]``). Without one there is no site, no
        aware value to follow, so nothing for the scope analysis (most of a file's cost) to find; e.g. a test
        that only patches "app.clock.utcnow" and builds naive values with ``datetime.datetime.strptime``."""
        from infractl.fix_datetime.select.prefilter import _is_datetime_class, _note_import

        module_names: set[str] = set()
        class_names: set[str] = set()
        for node in self._imports:
            if node.__class__ is ast.ImportFrom and not node.level and (node.module or "").startswith("datetime."):
                return True  # ``from datetime.datetime import now``: a Name the scopes would give that name
            _note_import(node, module_names, class_names)
        parents = self.facts.parents
        for node in self.facts.attribute_loads:
            if node.attr in _STARTING_ATTRS and node.value.id in class_names:
                return True
            parent = parents.get(node)
            if parent.__class__ is ast.Attribute and parent.value is node and parent.attr in _STARTING_ATTRS and (
                    _is_datetime_class(node, module_names, class_names)):
                return True
        return False

    def resolve(self, scopes) -> FileFacts:
        """Imports, UTC idioms and sites, by qualified name (``scopes``: the tree's syntax.scopes.Scopes)."""
        self.scopes, self.names_of = scopes, scopes.names_of
        facts = self.facts
        for items in (facts.calls, facts.ann_assigns, facts.returns, facts.functions, facts.attribute_loads,
                      self._imports, self._candidates):
            items.sort(key=source_order)
        type_checking = self._type_checking_imports()
        for node in self._imports:
            self._add_import(node, node in type_checking)
        replace_over = self._replacements()
        for node in self._candidates:
            self._site(node, replace_over)
        return facts

    def _type_checking_imports(self) -> set[ast.AST]:
        """Imports inside the body of an ``if TYPE_CHECKING:`` (not its ``else``): not bound at runtime."""
        found: set[ast.AST] = set()
        if not self._type_checking_blocks:
            return found
        blocks = {id(statement) for block in self._type_checking_blocks for statement in block.body}
        parents = self.facts.parents
        for node in self._imports:
            at = node
            while at is not None and id(at) not in blocks:
                at = parents.get(at)
            if at is not None:
                found.add(node)
        return found

    # --- imports -------------------------------------------------------------------------------------
    def _add_import(self, node, type_checking: bool) -> None:
        bindings = {}
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "datetime":
                    bindings[alias.asname or "datetime"] = "datetime"
        elif not node.level and node.module == "datetime":
            for alias in node.names:
                if alias.name != "*":
                    bindings[alias.asname or alias.name] = f"datetime.{alias.name}"
        if bindings:
            self.facts.imports.append(DatetimeImport(node, self.scopes.of(node), type_checking, bindings))

    # --- ``.replace(tzinfo=...)`` / ``pytz.utc.localize(...)`` around a call ------------------------------
    def _replacements(self) -> dict[ast.Call, tuple[ast.Call, str, ast.expr]]:
        replace_over = {}
        for node in self.facts.calls:
            func = node.func
            if type(func) is not ast.Attribute:
                continue
            if func.attr == "replace" and isinstance(func.value, ast.Call):
                kind = self.tzinfo_replacement(node)
                if kind:
                    replace_over[func.value] = (node, kind, node.keywords[0].value)
            if func.attr == "localize" and len(node.args) == 1 and not node.keywords:
                inner = node.args[0].value if isinstance(node.args[0], ast.Starred) else node.args[0]
                if isinstance(inner, ast.Call) and self.is_utc(func.value):
                    replace_over[inner] = (node, "utc", func.value)  # pytz.utc.localize(utcnow())
        return replace_over

    def tzinfo_replacement(self, call: ast.Call) -> str | None:
        """"utc" for ``.replace(tzinfo=<stdlib UTC>)``, "none" for ``.replace(tzinfo=None)``, else None."""
        if call.args or len(call.keywords) != 1 or call.keywords[0].arg != "tzinfo":
            return None
        value = call.keywords[0].value
        if isinstance(value, ast.Constant) and value.value is None:
            return "none"
        return "utc" if self.is_utc(value) else None

    def is_utc(self, value: ast.expr) -> bool:
        """``timezone.utc``, ``UTC``, ``pytz.utc``, ``tz.tzutc()``: UTC by qualified name."""
        if isinstance(value, ast.Call) and not value.args and not value.keywords:
            names = self.names_of(value.func) if isinstance(value.func, (ast.Name, ast.Attribute)) else set()
            return bool(names) and all(n.endswith(".tzutc") for n in names)
        if isinstance(value, (ast.Name, ast.Attribute)):
            names = self.names_of(value)
            return bool(names) and names <= STDLIB_UTC | OTHER_UTC and not any(n.endswith(".tzutc") for n in names)
        return False

    def _stdlib_utc(self, value: ast.expr) -> bool:
        """``timezone.utc`` or ``datetime.UTC``: the tzinfo the file's own UTC spelling gives."""
        names = self.names_of(value) if isinstance(value, (ast.Name, ast.Attribute)) else set()
        return bool(names) and names <= STDLIB_UTC

    # --- sites: ``datetime.utcnow = fake`` (monkeypatching) is never rewritten ---------------------------
    def _site(self, node: ast.Attribute, replace_over: dict) -> None:
        if node in self._store_targets:
            return
        names = self.names_of(node)
        if names != {UTCNOW} and names != {UTCFROMTIMESTAMP}:
            return
        kind = node.attr
        site = Site(attr=node, kind=kind, scope=self.scopes.of(node), top_index=self._top_index(node))
        call = self.facts.parents.get(node)
        if isinstance(call, ast.Call) and call.func is node:
            if not _call_shape_ok(call, kind):
                return  # e.g. utcnow(tz) - not valid stdlib usage; leave it alone
            site.call = call
            site.outer, site.outer_kind, tzinfo = replace_over.get(call, (None, None, None))
            if site.outer_kind == "utc" and not self._stdlib_utc(tzinfo):
                site.outer_tz = tzinfo  # pytz.utc, tz.tzutc(): kept, as the new call's tz
        self.facts.sites.append(site)


    def _top_index(self, node: ast.AST) -> int:
        """Index of the top-level statement that holds ``node``."""
        parents, tree = self.facts.parents, self.tree
        while True:
            parent = parents.get(node)
            if parent is None or parent is tree:
                break
            node = parent
        if self._top_indices is None:
            self._top_indices = {id(statement): index for index, statement in enumerate(tree.body)}
        return self._top_indices.get(id(node), 0)


def _call_shape_ok(call: ast.Call, kind: str) -> bool:
    if kind == "utcnow":
        return not call.args and not call.keywords
    return len(call.args) == 1 and not call.keywords and not isinstance(call.args[0], ast.Starred)


def collect_facts(tree: ast.Module, scopes) -> FileFacts:
    """Walk the tree once (``scopes``: its syntax.scopes.Scopes); the FileFacts it holds."""
    return FactsCollector(tree).resolve(scopes)


__all__ = ["DatetimeImport", "FileFacts", "Site", "collect_facts", "dotted_name"]
