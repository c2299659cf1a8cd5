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


def drop_imports_made_unused(old: str, new: str) -> str:
    """Remove a module-level ``datetime`` import binding that ``old`` used and ``new`` no longer mentions.

    With a project helper, ``default=datetime.utcnow`` becomes ``default=utc_now`` and may have been the
    only use of ``from datetime import datetime``: left alone, the import would fail the project's lint
    (F401). A binding goes only when its name appears nowhere else in ``new`` (as a whole word: in code,
    strings or comments), so anything that might still use it keeps it. Text edits: a line whose imports
    all go goes with the blank and comment lines above it; otherwise only the names (or the statement
    after ``;``) that go.
    """
    import re

    from infractl.fix_datetime.rewrite.places import SourceText, statement_groups
    from infractl.fixes import Edit, apply_edits

    def used(text: str, name: str) -> int:
        return len(re.findall(rf"(?<![\w.]){re.escape(name)}\b", text))

    src = SourceText(new)
    groups = statement_groups(src.tree.body)
    imports = [index for index, group in enumerate(groups) if any(_datetime_bindings(s) for s in group)]
    bound = {name for index in imports for s in groups[index] for name in _datetime_bindings(s)}
    texts = {index: new[_line_start(src, groups, index, True):_after(src, groups[index])] for index in imports}
    in_imports = "\n".join(texts.values())
    doomed: set[str] = set()
    for name in bound:
        elsewhere = used(new, name) - used(in_imports, name)
        # used before the rewrite (more mentions in old than in these imports), mentioned nowhere now
        if elsewhere == 0 and used(old, name) > used(in_imports, name):
            doomed.add(name)
    if not doomed:
        return new
    edits, removed = [], set()
    for index in imports:
        group = groups[index]
        gone = [s for s in group if isinstance(s, (ast.Import, ast.ImportFrom))
                and _datetime_bindings(s) and all(_bound(a) in doomed for a in s.names)]
        if len(gone) == len(group):
            removed.add(index)
            edits.append(Edit(_line_start(src, groups, index, True), _after(src, group), ""))
            continue
        for position, statement in enumerate(group):
            start, end = _extent(src, statement)
            if statement in gone:  # with its ``;``: the one before keeps its own, as libcst wrote it
                following = group[position + 1] if position + 1 < len(group) else None
                edits.append(Edit(start, _extent(src, following)[0] if following else end, ""))
            elif isinstance(statement, (ast.Import, ast.ImportFrom)) and _datetime_bindings(statement) and \
                    any(_bound(a) in doomed for a in statement.names):
                edits.append(_without_names(src, statement, start, end, doomed))
    if 0 in removed and len(removed) < len(groups):
        # the file's first statement went: the next one must not start the file with a blank line
        survivor = next(index for index in range(len(groups)) if index not in removed)
        kept_from = _line_start(src, groups, survivor, False)  # its blank and comment lines go too
        edits = [e for e in edits if e.start >= kept_from]
        edits.append(Edit(_line_start(src, groups, 0, True), kept_from, ""))
    return apply_edits(new, edits)


def _line_start(src, groups, index: int, leading: bool) -> int:
    """Where statement ``index`` starts: with the blank and comment lines above it (``leading``; the
    first statement's are the module's header, not its own), or at its first line."""
    from infractl.fix_datetime.rewrite.imports import leading_start
    from infractl.fix_datetime.rewrite.places import first_line

    if leading and index > 0:
        return leading_start(src, groups, index)
    return src.line_start(first_line(groups[index][0]))


def _after(src, group) -> int:
    """The offset after the line a group of statements ends on (its line break included)."""
    return src.line_start(group[-1].end_lineno + 1)


def _extent(src, statement) -> tuple[int, int]:
    return src.at(statement.lineno, statement.col_offset), src.at(statement.end_lineno, statement.end_col_offset)


def _without_names(src, statement, start: int, end: int, doomed: set[str]):
    """The statement's names that stay, each with its own comma, the last with the last name's comma."""
    from infractl.fix_datetime.rewrite.imports import parse_names
    from infractl.fixes import Edit

    indent = src.leading(statement.lineno)
    names_start, names_end, _, names = parse_names(src.code, start, end, indent)
    kept = [(text, comma) for (text, comma), alias in zip(names, statement.names, strict=True)
            if _bound(alias) not in doomed]
    if _bound(statement.names[-1]) in doomed:
        kept[-1] = (kept[-1][0], names[-1][1])
    text = "".join(alias + (comma.render(indent) if comma is not None else "") for alias, comma in kept)
    return Edit(names_start, names_end, text)


def _bound(alias: ast.alias) -> str:
    return alias.asname or alias.name.split(".")[0]


def _datetime_bindings(node: ast.stmt) -> list[str]:
    """Names a ``from datetime import ...`` / ``import datetime`` statement binds (else none)."""
    if isinstance(node, ast.ImportFrom):
        if node.level or node.module != "datetime" or any(a.name == "*" for a in node.names):
            return []
        return [_bound(a) for a in node.names]
    if isinstance(node, ast.Import):
        return [_bound(a) for a in node.names if a.name == "datetime"]
    return []
