"""``helper = "app.timeutil:utc_now"``: which name a reference gets for the project's own clock helper, and
the import statement that binds it (rewrite/helperconfig.py reads and checks the configuration)."""

from __future__ import annotations

import ast

from infractl.fix_datetime.analyse.analysis import FUNCTIONS


def plan_project_helper(tree: ast.Module, speller, ref_scopes, module: str, name: str, newline: str = "\n"):
    """(name references are rewritten to, ``from module import name`` statement text or None), or None
    when no name is free for it (the module then gets its own helper)."""
    for statement in tree.body:
        if isinstance(statement, FUNCTIONS) and statement.name == name:
            return name, None  # the helper's own module
    qualified = f"{module}.{name}"
    global_scope = speller.global_scope
    for candidate in (name, f"_{name}", f"{name}_project"):
        if candidate in global_scope and global_scope.qualified_names(candidate) == {qualified}:
            return candidate, None  # already imported
        if speller.is_free(candidate, *ref_scopes):
            alias = "" if candidate == name else f" as {candidate}"
            return candidate, f"from {module} import {name}{alias}{newline}"
    return None
