"""The one walk that builds ``scopes.Scopes``: libcst's ScopeVisitor, node for node, on ``ast``.

The order of the walk is libcst's, not ``ast``'s field order, because the assignment counter (which
assignments an access sees) follows it: a function's parameters and body before its decorators and return
annotation, a parameter's default before its annotation, a comprehension's first iterable outside its
scope, a ``for`` target before its iterable. Where libcst has a node ``ast`` has not (the name of
``except E as e``, a capture pattern's name), the nearest ``ast`` node stands for it.
"""

from __future__ import annotations

import ast
import warnings

from infractl.fix_datetime.syntax.scopes import Access, Scope
from infractl.fix_datetime.syntax.scopestatements import StatementVisits

_SKIPPED_FIELDS = frozenset({"ctx", "op", "ops", "type_comment", "kind"})
_HINT_CALLS = ("typing.NewType", "typing.TypeVar")
_TYPING = ("typing.", "typing_extensions.")
_LITERAL = ("typing.Literal", "typing_extensions.Literal")
# nodes whose leaving advances the assignment counter (libcst's _ASSIGNMENT_LIKE_NODES, in ast terms)
_COUNTED = frozenset((ast.AnnAssign, ast.Assign, ast.AugAssign, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef,
            ast.Global, ast.Nonlocal, ast.Import, ast.ImportFrom, ast.NamedExpr, ast.arguments))
_fields_of: dict[type, tuple[str, ...]] = {}


def walk(tree: ast.Module, global_scope: Scope, scope_of: dict) -> list:
    """Fill ``scope_of`` (node -> Scope) and the scopes' assignments; return the accesses to resolve:
    (name, Access, enclosing top-level Attribute or None, enclosing string annotation or None)."""
    walker = _Walker(global_scope, scope_of)
    walker.visit(tree)
    return walker.deferred, walker.dotted


def ordered_arguments(call: ast.Call) -> list[ast.expr | ast.keyword]:
    """A call's arguments in source order (``ast`` keeps positional and keyword ones apart)."""
    args, keywords = call.args, call.keywords
    if not keywords:
        return list(args)
    if not args:
        return list(keywords)
    merged = [*args, *keywords]
    if (keywords[0].lineno, keywords[0].col_offset) < (args[-1].lineno, args[-1].col_offset):
        merged.sort(key=lambda n: (n.lineno, n.col_offset))
    return merged


class _Walker(StatementVisits):
    def __init__(self, global_scope: Scope, scope_of: dict) -> None:
        self.scope = global_scope
        self.scope_of = scope_of
        self.deferred: list = []
        self.attributes: list[ast.Attribute | None] = [None]  # the top-level Attribute of a dotted chain
        self.annotations = [False]
        self.hints = [False]
        self.ignored = 0  # inside a Literal[...]: its strings are not annotations
        self.string: ast.Constant | None = None  # the string annotation being walked
        self.in_string = 0
        # Until something binds a name that starts with "typing" (or imports from such a module), no
        # qualified name can be typing's, and the walk need not ask what a callee or subscript means.
        self.typing_bound = False
        self.dotted: set[str] = set()  # dotted names bound anywhere (``import os.path``)

    def visit(self, node: ast.AST) -> None:
        method = _DISPATCH.get(type(node))
        if method is not None:
            method(self, node)
        else:
            self.children(node)
        if not self.in_string:
            self.scope_of[node] = self.scope
        if type(node) in _COUNTED:
            self.scope.count += 1

    def children(self, node: ast.AST) -> None:
        fields = _fields_of.get(type(node))
        if fields is None:
            fields = _fields_of[type(node)] = tuple(f for f in node._fields if f not in _SKIPPED_FIELDS)
        visit = self.visit
        for field in fields:
            value = getattr(node, field, None)
            if type(value) is list:
                for item in value:
                    if isinstance(item, ast.AST):
                        visit(item)
            elif isinstance(value, ast.AST):
                visit(value)

    def annotation(self, node: ast.expr) -> None:
        self.annotations.append(True)
        self.visit(node)
        self.annotations.pop()

    def bind(self, scope: Scope, name: str, node: ast.AST, imported: bool = False) -> None:
        scope.record_assignment(name, node, imported)
        if name.startswith("typing"):
            self.typing_bound = True
        if "." in name:
            self.dotted.add(name)

    def access(self, name: str, node: ast.AST) -> None:
        self.deferred.append((name, Access(node, self.scope), self.attributes[-1], self.string))

    # --- names -------------------------------------------------------------------------------------------
    def visit_Name(self, node: ast.Name) -> None:
        if type(node.ctx) is ast.Store and not self.in_string:
            self.bind(self.scope, node.id, node)
        else:  # a load, and (as in libcst) a ``del``
            self.access(node.id, node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        attributes = self.attributes
        top = attributes[-1] is None
        if top:
            attributes[-1] = node
        self.visit(node.value)  # the attribute's own name is neither an assignment nor an access
        if top:
            attributes[-1] = None

    def visit_Constant(self, node: ast.Constant) -> None:
        value = node.value
        if not (value and isinstance(value, (str, bytes)) and (self.hints[-1] or self.annotations[-1])
                and not self.ignored):
            return
        outermost = self.string is None
        if outermost:
            self.string = node
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                parsed = ast.parse(value)
        except (SyntaxError, ValueError):
            parsed = None  # as CPython: an annotation that does not parse is no error
        if parsed is not None:
            self.in_string += 1
            self.visit(parsed)
            self.in_string -= 1
        if outermost:
            self.string = None

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        for value in node.values:  # the literal parts of an f-string are no string annotations
            if isinstance(value, ast.FormattedValue):
                self.visit(value)
            elif not self.in_string:
                self.scope_of[value] = self.scope

    # --- calls and subscripts ----------------------------------------------------------------------------
    def visit_Call(self, node: ast.Call) -> None:
        self.attributes.append(None)
        self.hints.append(False)
        names = self.scope.qualified_names(node) if self.typing_bound else ()
        arguments = ordered_arguments(node)
        self.visit(node.func)
        if any(name in names for name in _HINT_CALLS):
            self.hints[-1] = True
            arguments = arguments[1:]  # the new type's name is not visited at all
        elif "typing.cast" in names and arguments:
            self.hints.append(True)
            self.argument(arguments[0])
            self.hints.pop()
            arguments = arguments[1:]
        for argument in arguments:
            self.argument(argument)
        self.attributes.pop()
        self.hints.pop()

    def argument(self, node: ast.expr | ast.keyword) -> None:
        self.visit(node)  # a keyword's name is neither an assignment nor an access

    def visit_Subscript(self, node: ast.Subscript) -> None:
        hint = ignored = False
        if self.typing_bound and isinstance(node.value, ast.Name):
            names = self.scope.qualified_names(node.value)
            hint = any(name.startswith(_TYPING) for name in names)
            ignored = any(name in names for name in _LITERAL)
        self.hints.append(hint)
        self.ignored += ignored
        self.visit(node.value)
        self.visit(node.slice)
        self.hints.pop()
        self.ignored -= ignored

    # --- definitions -------------------------------------------------------------------------------------
    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        outer = self.scope
        self.bind(outer, node.name, node)
        self.scope = Scope("function", node, outer, node.name)
        self.visit(node.args)
        for statement in node.body:
            self.visit(statement)
        self.scope = outer
        for decorator in node.decorator_list:
            self.visit(decorator)
        if node.returns is not None:
            self.annotation(node.returns)

    def visit_Lambda(self, node: ast.Lambda) -> None:
        outer = self.scope
        self.scope = Scope("function", node, outer, None)
        self.visit(node.args)
        self.visit(node.body)
        self.scope = outer

    def visit_arguments(self, node: ast.arguments) -> None:
        """Each parameter is bound in the function's scope; its default and annotation are evaluated
        in the enclosing one (default first, as libcst visits them)."""
        scope = self.scope
        positional = [*node.posonlyargs, *node.args]
        defaults = [None] * (len(positional) - len(node.defaults)) + list(node.defaults)
        pairs = list(zip(positional, defaults))
        if node.vararg is not None:
            pairs.append((node.vararg, None))
        pairs.extend(zip(node.kwonlyargs, node.kw_defaults))
        if node.kwarg is not None:
            pairs.append((node.kwarg, None))
        for arg, default in pairs:
            self.bind(scope, arg.arg, arg)
            self.scope = scope.parent
            if default is not None:
                self.visit(default)
            if arg.annotation is not None:
                self.annotation(arg.annotation)
            self.scope = scope
            if not self.in_string:
                self.scope_of[arg] = scope

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        outer = self.scope
        self.bind(outer, node.name, node)
        for decorator in node.decorator_list:
            self.visit(decorator)
        for base in node.bases:
            self.visit(base)
        for keyword in node.keywords:
            self.visit(keyword)
        self.scope = Scope("class", node, outer, node.name)
        for statement in node.body:
            self.visit(statement)
        self.scope = outer

    def visit_comprehension_alike(self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp,
                                  ) -> None:
        """The first iterable is evaluated outside the comprehension's scope, everything else inside."""
        first = node.generators[0]
        self.visit(first.iter)
        if not self.in_string:
            self.scope_of[first] = self.scope
        outer = self.scope
        self.scope = Scope("comprehension", node, outer)
        self.visit(first.target)
        self.scope.count += 1  # what follows can see the target
        for condition in first.ifs:
            self.visit(condition)
        if len(node.generators) > 1:
            self.inner_generator(node.generators, 1)
        if isinstance(node, ast.DictComp):
            self.visit(node.key)
            self.visit(node.value)
        else:
            self.visit(node.elt)
        self.scope = outer

    def inner_generator(self, generators: list[ast.comprehension], index: int) -> None:
        generator = generators[index]
        self.visit(generator.target)
        self.visit(generator.iter)
        for condition in generator.ifs:
            self.visit(condition)
        if index + 1 < len(generators):
            self.inner_generator(generators, index + 1)
        if not self.in_string:
            self.scope_of[generator] = self.scope
        self.scope.count += 1


_DISPATCH = {getattr(ast, name[len("visit_"):]): getattr(_Walker, name) for name in dir(_Walker)
             if name.startswith("visit_") and hasattr(ast, name[len("visit_"):])}
_DISPATCH.update({ast.AsyncFunctionDef: _Walker.visit_FunctionDef, ast.AsyncFor: _Walker.visit_For,
                  ast.ImportFrom: _Walker.visit_Import})
_DISPATCH.update(dict.fromkeys((ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp),
                               _Walker.visit_comprehension_alike))
