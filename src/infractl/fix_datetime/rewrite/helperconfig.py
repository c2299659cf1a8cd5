"""``helper = "app.timeutil:utc_now"``: references import the project's own clock helper.

By default a reference such as ``Column(default=datetime.utcnow)`` becomes ``default=utc_now`` with a
small ``utc_now()`` defined in that module. A project with its own clock module can name it instead:

    [tool.infractl.fix_datetime]
    helper = "app.timeutil:utc_now"              # must return datetime.now(timezone.utc): aware
    naive_helper = "app.timeutil:naive_utc_now"  # must return what datetime.utcnow() returned: naive

Which one a reference gets follows the value the rewrite must produce there: ``helper`` where the value
becomes aware (aware mode), ``naive_helper`` where it must stay naive (naive mode). Where the needed one
is not configured, the module gets its own helper as before, so a naive site never gets an aware helper.
Setting only ``helper`` with ``mode = "naive"`` is refused: it would never be used, which is surely not
what was meant. Only ``utcnow`` references use them (``utcfromtimestamp`` references take an argument
and keep their per-module helper).

The module must be found in the project (``<root>/app/timeutil.py`` or ``.../app/timeutil/__init__.py``,
also under ``<root>/src``) and define the name at its top level; a typo is an error before anything is
rewritten. A file that itself defines the name (the helper's own module) uses it without importing.
"""

from __future__ import annotations

import ast
import keyword
from pathlib import Path

from infractl.errors import InfractlError

HELPER_KEYS = {"helper": "aware", "naive_helper": "naive"}


def parse_project_helpers(section: dict, where: str, mode: str, root: Path) -> dict[tuple[str, str], tuple[str, str]]:
    """(kind, mode) -> (module, name) from ``helper`` / ``naive_helper``; validated against the project."""
    helpers = {}
    for key, value_mode in HELPER_KEYS.items():
        value = section.get(key)
        if value is None:
            continue
        module, name = _split(value, f"{where}: {key}")
        _check_defined(root, module, name, f"{where}: {key}")
        helpers[("utcnow", value_mode)] = (module, name)
    if mode == "naive" and ("utcnow", "aware") in helpers and ("utcnow", "naive") not in helpers:
        raise InfractlError(f"{where}: helper returns aware values and mode is naive, so it would never be used; "
                            "set naive_helper to a helper returning naive UTC values (or drop helper)")
    return helpers


def _split(value: object, where: str) -> tuple[str, str]:
    if not isinstance(value, str) or value.count(":") != 1:
        raise InfractlError(f"{where} must look like 'package.module:function', not {value!r}")
    module, name = value.split(":")
    parts = module.split(".")
    if not all(part.isidentifier() and not keyword.iskeyword(part) for part in [*parts, name]):
        raise InfractlError(f"{where}: {value!r} is not a valid absolute module path and function name")
    return module, name


def _check_defined(root: Path, module: str, name: str, where: str) -> None:
    relative = Path(*module.split("."))
    candidates = [base / relative.with_suffix(".py") for base in (root, root / "src")]
    candidates += [base / relative / "__init__.py" for base in (root, root / "src")]
    found = next((path for path in candidates if path.is_file()), None)
    if found is None:
        raise InfractlError(f"{where}: module {module} not found in the project ({root}, or its src/)")
    try:
        tree = ast.parse(found.read_bytes())
    except (SyntaxError, ValueError) as exc:
        raise InfractlError(f"{where}: {found} does not parse: {exc}") from None
    if name not in _top_level_names(tree):
        raise InfractlError(f"{where}: {found} does not define {name} at its top level")


def _top_level_names(tree: ast.Module) -> set[str]:
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names


def plan_project_helper(module_node, speller, ref_scopes, module: str, name: str):
    """(name references are rewritten to, ``from module import name`` statement or None), or None when
    no name is free for it (the module then gets its own helper)."""
    import libcst as cst

    for statement in module_node.body:
        if isinstance(statement, cst.FunctionDef) and statement.name.value == name:
            return name, None  # the helper's own module
    qualified = f"{module}.{name}"
    global_scope = speller.global_scope
    for candidate in (name, f"_{name}", f"{name}_project"):
        if candidate in global_scope and {q.name for q in global_scope.get_qualified_names_for(candidate)} == {qualified}:
            return candidate, None  # already imported
        if speller.is_free(candidate, *ref_scopes):
            alias = "" if candidate == name else f" as {candidate}"
            statement = cst.parse_statement(f"from {module} import {name}{alias}",
                                            config=module_node.config_for_parsing)
            return candidate, statement
    return None


def drop_imports_made_unused(old: str, new: str) -> str:
    """Remove a module-level ``datetime`` import binding that ``old`` used and ``new`` no longer mentions.

    With a project helper, ``default=datetime.utcnow`` becomes ``default=utc_now`` and may have been the
    only use of ``from datetime import datetime``: left alone, the import would fail the project's lint
    (F401). A binding goes only when its name appears nowhere else in ``new`` (as a whole word: in code,
    strings or comments), so anything that might still use it keeps it.
    """
    import re

    import libcst as cst

    def used(text: str, name: str) -> int:
        return len(re.findall(rf"(?<![\w.]){re.escape(name)}\b", text))

    module = cst.parse_module(new)
    imports = [statement for statement in module.body if isinstance(statement, cst.SimpleStatementLine)
               and any(_datetime_bindings(small) for small in statement.body)]
    bound = {name for statement in imports for small in statement.body for name in _datetime_bindings(small)}
    in_imports = "\n".join(module.code_for_node(statement) for statement in imports)
    doomed: set[str] = set()
    for name in bound:
        elsewhere = used(new, name) - used(in_imports, name)
        # used before the rewrite (more mentions in old than in these imports), mentioned nowhere now
        if elsewhere == 0 and used(old, name) > used(in_imports, name):
            doomed.add(name)
    if not doomed:
        return new

    class Remover(cst.CSTTransformer):
        def leave_Import(self, original_node, updated_node):
            return self._without(updated_node)

        def leave_ImportFrom(self, original_node, updated_node):
            return self._without(updated_node)

        def _without(self, node):
            if not _datetime_bindings(node):
                return node
            names = [a for a in node.names if _bound(a) not in doomed]
            if not names:
                return cst.RemoveFromParent()
            last = names[-1]
            if last is not node.names[-1]:
                names[-1] = last.with_changes(comma=node.names[-1].comma)
            return node.with_changes(names=names)

        def leave_Module(self, original_node, updated_node):
            if original_node.body and updated_node.body and original_node.body[0] in imports \
                    and len(updated_node.body) < len(original_node.body):
                # the file's first statement went: the next one must not start the file with a blank line
                first = updated_node.body[0].with_changes(leading_lines=())
                return updated_node.with_changes(body=[first, *updated_node.body[1:]])
            return updated_node

        def visit_FunctionDef(self, node) -> bool:
            return False  # module level only

        def visit_ClassDef(self, node) -> bool:
            return False

    return module.visit(Remover()).code


def _bound(alias) -> str:
    import libcst as cst

    if alias.asname is not None:
        return alias.asname.name.value
    name = alias.name
    while isinstance(name, cst.Attribute):
        name = name.value
    return name.value


def _datetime_bindings(node) -> list[str]:
    """Names a ``from datetime import ...`` / ``import datetime`` statement binds (else none)."""
    import libcst as cst

    if isinstance(node, cst.ImportFrom):
        module = node.module
        if node.relative or not isinstance(module, cst.Name) or module.value != "datetime":
            return []
        if isinstance(node.names, cst.ImportStar):
            return []
        return [_bound(a) for a in node.names]
    if isinstance(node, cst.Import):
        return [_bound(a) for a in node.names if isinstance(a.name, cst.Name) and a.name.value == "datetime"]
    return []
