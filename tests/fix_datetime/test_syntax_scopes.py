"""libcst's ScopeProvider and ``syntax.scopes.Scopes`` side by side on one text: every difference, as lines.

Nodes are paired by what both trees agree on: a Name, an Attribute or a string by its span; a
definition, an import, a parameter by its start; a lambda or a comprehension (whose parentheses the two
trees place differently) by its body's span. Names ``ast`` keeps as plain strings (the name of
``except E as e``, of a capture pattern) pair with the node ``Scopes`` records instead of them.
"""

from __future__ import annotations

import ast
import bisect
from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, ParentNodeProvider, PositionProvider, ScopeProvider

import infractl.fix_datetime
from infractl.fix_datetime.syntax.scopes import Assignment, Scope, Scopes
from infractl.fix_datetime.syntax.source import Source

_KINDS = {"GlobalScope": "global", "ClassScope": "class", "FunctionScope": "function",
          "ComprehensionScope": "comprehension", "BuiltinScope": "builtin"}
_PATTERNS = (cst.MatchAs, cst.MatchStar, cst.MatchMapping)


class _LibcstSide:
    def __init__(self, code: str) -> None:
        wrapper = MetadataWrapper(cst.parse_module(code), unsafe_skip_copy=True)
        self.scopes = wrapper.resolve(ScopeProvider)
        self.positions = wrapper.resolve(PositionProvider)
        self.parents = wrapper.resolve(ParentNodeProvider)

    def _start(self, node) -> tuple[int, int]:
        start = self.positions[node].start
        return start.line, start.column

    def _span(self, node) -> tuple[int, int, int, int]:
        where = self.positions[node]
        return where.start.line, where.start.column, where.end.line, where.end.column

    def key(self, node) -> tuple | None:
        if node is None:
            return None
        if isinstance(node, cst.Name):
            parent = self.parents.get(node)
            if isinstance(parent, _PATTERNS) and (parent.name if not isinstance(parent, cst.MatchMapping)
                                                  else parent.rest) is node:
                return ("pattern", *self._start(parent))
            if isinstance(parent, cst.MatchKeywordElement):
                return ("pattern", *self._start(self.parents[parent]))
            if isinstance(parent, cst.AsName) and isinstance(self.parents.get(parent), cst.ExceptHandler):
                return ("except-as", *self._start(self.parents[parent]))
            return ("Name", *self._span(node))
        if isinstance(node, cst.Attribute):
            return ("Attribute", *self._span(node))
        if isinstance(node, cst.Call):
            return ("Call", *self._span(node))
        if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
            return ("str", *self._span(node))
        if isinstance(node, cst.Param):
            return ("param", *self._start(node.name))
        if isinstance(node, cst.FunctionDef):
            return ("def", *self._start(node))
        if isinstance(node, cst.ClassDef):
            return ("class", *self._start(node))
        if isinstance(node, (cst.Import, cst.ImportFrom)):
            return ("import", *self._start(node))
        if isinstance(node, cst.Lambda):
            return ("lambda", *self._span(node.body))
        if isinstance(node, cst.DictComp):
            return ("comp", *self._span(node.key))
        if isinstance(node, (cst.ListComp, cst.SetComp, cst.GeneratorExp)):
            return ("comp", *self._span(node.elt))
        return ("other", type(node).__name__)

    def scope_key(self, scope) -> tuple:
        return ("module",) if _KINDS[type(scope).__name__] in ("global", "builtin") else self.key(scope.node)


class _AstSide:
    def __init__(self, code: str) -> None:
        self.tree = ast.parse(code)
        self.source = Source(code)
        self.scopes = Scopes(self.tree)

    def _start(self, node) -> tuple[int, int]:
        return self.source.span(node)[:2]

    def key(self, node) -> tuple | None:
        if node is None:
            return None
        if isinstance(node, (ast.Name, ast.Attribute, ast.Call)):
            return (type(node).__name__, *self.source.span(node))
        if isinstance(node, ast.Constant):
            return ("str", *self.source.span(node))
        if isinstance(node, (ast.MatchAs, ast.MatchStar, ast.MatchMapping, ast.MatchClass)):
            return ("pattern", *self._start(node))
        if isinstance(node, ast.ExceptHandler):
            return ("except-as", *self._start(node))
        if isinstance(node, ast.arg):
            return ("param", *self._start(node))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return ("def", *self._start(node))
        if isinstance(node, ast.ClassDef):
            return ("class", *self._start(node))
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            return ("import", *self._start(node))
        if isinstance(node, ast.Lambda):
            return ("lambda", *self._own_span(node.body))
        if isinstance(node, ast.DictComp):
            return ("comp", *self._own_span(node.key))
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp)):
            return ("comp", *self._own_span(node.elt))
        return ("other", type(node).__name__)

    def _own_span(self, node) -> tuple[int, int, int, int]:
        """A tuple's or a generator expression's span without the parentheses ast counts into it."""
        source, text = self.source, self.source.text
        start, end = source.start(node), source.end(node)
        if isinstance(node, (ast.Tuple, ast.GeneratorExp)) and text[start] == "(" and text[end - 1] == ")":
            start, end = start + 1, end - 1
            while text[start].isspace():
                start += 1
            while text[end - 1].isspace():
                end -= 1
        return (*self._place(start), *self._place(end))

    def _place(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.source.line_starts, offset)
        return line, offset - self.source.line_starts[line - 1]

    def scope_key(self, scope) -> tuple:
        return ("module",) if scope.kind in ("global", "builtin") else self.key(scope.node)


def _libcst_binding(side: _LibcstSide, assignment) -> tuple:
    node = getattr(assignment, "node", None)
    references = sorted(side.key(access.node) for access in assignment.references)
    return (side.key(node) if node is not None else ("builtin", assignment.name)), references


def _ast_binding(side: _AstSide, assignment) -> tuple:
    references = sorted(side.key(access.node) for access in assignment.references)
    node = assignment.node
    return (side.key(node) if node is not None else ("builtin", assignment.name)), references


def differences(code: str, limit: int = 50) -> list[str]:
    """What libcst's ScopeProvider and Scopes disagree on in ``code`` (at most ``limit`` lines)."""
    lib, mine = _LibcstSide(code), _AstSide(code)
    out: list[str] = []
    # 1. every Name/Attribute (and def, import, call, parameter, lambda): its scope kind, qualified names
    lib_nodes = {}
    for node, scope in lib.scopes.items():
        if scope is None or node not in lib.positions or not isinstance(
                node, (cst.Name, cst.Attribute, cst.FunctionDef, cst.ClassDef, cst.Import, cst.ImportFrom,
                       cst.Call, cst.Param, cst.Lambda)):
            continue
        parent = lib.parents.get(node)
        if isinstance(node, cst.Name) and isinstance(parent, (cst.FunctionDef, cst.ClassDef, cst.Param)) \
                and parent.name is node:
            continue  # ast keeps these names as strings
        if isinstance(node, cst.Name) and node.value in ("None", "True", "False"):
            continue  # constants in ast
        key = lib.key(node)
        if key[0] in ("pattern", "except-as"):
            continue
        named = key[0] in ("Name", "Attribute")
        names = {q.name for q in scope.get_qualified_names_for(node)} if named else set()
        lib_nodes[key] = (_KINDS[type(scope).__name__], names)
    ast_nodes = {}
    for node in ast.walk(mine.tree):
        if isinstance(node, (ast.Name, ast.Attribute, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef,
                             ast.Import, ast.ImportFrom, ast.Call, ast.arg, ast.Lambda)):
            scope = mine.scopes.of(node)
            if scope is not None:
                key = mine.key(node)
                names = mine.scopes.names_of(node) if key[0] in ("Name", "Attribute") else set()
                ast_nodes[key] = (scope.kind, names)
    for key in sorted(set(lib_nodes) | set(ast_nodes), key=repr):
        if lib_nodes.get(key) != ast_nodes.get(key):
            out.append(f"node {key}: libcst {lib_nodes.get(key)} ast {ast_nodes.get(key)}")
    # 2. every scope and name: `in`, the assignments and their references
    lib_scopes = {lib.scope_key(s): s for s in set(lib.scopes.values())  # not those of string annotations
                  if s is not None and (not hasattr(s, "node") or s.node in lib.positions)}
    ast_scopes = {mine.scope_key(s): s for s in set(mine.scopes._scope_of.values())}
    for key in sorted(set(lib_scopes) ^ set(ast_scopes), key=repr):
        out.append(f"scope {key}: only in {'libcst' if key in lib_scopes else 'ast'}")
    names = {n.id for n in ast.walk(mine.tree) if isinstance(n, ast.Name)}
    for scope in lib_scopes.values():
        names |= {a.name for a in scope.assignments}
    for key in sorted(set(lib_scopes) & set(ast_scopes), key=repr):
        lib_scope, ast_scope = lib_scopes[key], ast_scopes[key]
        if _KINDS[type(lib_scope).__name__] != ast_scope.kind:
            out.append(f"scope {key}: kind {type(lib_scope).__name__} vs {ast_scope.kind}")
        for name in sorted(names):
            lib_in, ast_in = name in lib_scope, name in ast_scope
            if lib_in != ast_in:
                out.append(f"scope {key} {name!r}: in libcst {lib_in}, in ast {ast_in}")
            lib_bound = sorted(_libcst_binding(lib, a) for a in lib_scope[name])
            ast_bound = sorted(_ast_binding(mine, a) for a in ast_scope[name])
            if lib_bound != ast_bound:
                out.append(f"scope {key} {name!r}: libcst {lib_bound} ast {ast_bound}")
    return out[:limit]


CASES = sorted((Path(infractl.fix_datetime.__file__).parent / "cases").glob("*.py"))


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.name)
def test_scopes_agree_with_libcst_on_the_cases(path):
    assert differences(path.read_text(encoding="utf-8")) == []


def test_the_differ_sees_a_difference(monkeypatch):
    """The comparison itself can fail: qualified names lost, or a binding's references dropped."""
    code = "import datetime\nprint(datetime.datetime.utcnow())\n"
    monkeypatch.setattr(Scope, "qualified_names", lambda self, node: set())
    assert any("datetime.datetime.utcnow" in line for line in differences(code))
    monkeypatch.undo()
    monkeypatch.setattr(Assignment, "references", property(lambda self: []))
    assert any(line.startswith("scope ('module',) 'datetime'") for line in differences(code))
