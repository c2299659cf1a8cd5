"""What to do with one file, decided on ``ast``: the analysis half of the rewrite (a fix_datetime.plan.RewritePlan).

The text after the stub phase is parsed once; the scopes (syntax/scopes.py) and the facts (analysis.py) come
from that tree; the speller decides how UTC is spelled at each site and which imports that takes; the safety
model (safety.py) which sites become aware, keep their naive value or stay, and what is reported; references
get a helper (the module's own, or the project's: projecthelper.py). Places are spans of the input text
(plan.py); the rewrite (rewrite/edits.py) turns the plan into text edits.
"""

from __future__ import annotations

import ast
import re

from infractl.fix_datetime.analyse.analysis import FUNCTIONS, FactsCollector
from infractl.fix_datetime.analyse.cstshape import Positions
from infractl.fix_datetime.plan import Anchor, CallRewrite, ImportMerge, RefRewrite, RewritePlan

# a file can only call the standard library's utcnow if it imports datetime somewhere
DATETIME_IMPORT = re.compile(r"\bfrom\s+datetime\b|\bimport\b[^\n]*\bdatetime\b")
HELPERS = {
    ("utcnow", "aware"): ("utc_now", "", "Current UTC time as an aware datetime.", ".now({tz})"),
    ("utcnow", "naive"): (
        "naive_utc_now", "", "Current UTC time as a naive datetime (tzinfo=None), as before the rewrite.",
        ".now({tz}).replace(tzinfo=None)",
    ),
    ("utcfromtimestamp", "aware"): (
        "utc_from_timestamp", "timestamp: float", "Aware UTC datetime for a POSIX timestamp.",
        ".fromtimestamp(timestamp, tz={tz})",
    ),
    ("utcfromtimestamp", "naive"): (
        "naive_utc_from_timestamp", "timestamp: float",
        "Naive UTC datetime (tzinfo=None) for a POSIX timestamp, as before the rewrite.",
        ".fromtimestamp(timestamp, tz={tz}).replace(tzinfo=None)",
    ),
}
_NEWLINE = re.compile(r"\r\n?|\n")
DEFAULT_INDENT = "    "


def plan_file(code: str, tree: ast.Module, *, mode: str = "auto", target_version: str | None = None,
              project_helpers: dict | None = None, stubbed: str = "", held: frozenset[str] = frozenset(),
              verdicts: dict | None = None) -> RewritePlan | None:
    """The plan for ``code`` (``tree``: its ``ast`` parse). None when the file cannot use the standard
    library's datetime class at all (no scope analysis needed to know it); an empty plan when the
    analysis found nothing to do. The arguments are transform_source's (``stubbed``: the verdict's module)."""
    from infractl.fix_datetime.analyse.safety import plan_sites
    from infractl.fix_datetime.rewrite.spelling import MODULE_LEVEL, Speller
    from infractl.fix_datetime.syntax.scopes import Scopes
    from infractl.fix_datetime.syntax.source import Source

    if not DATETIME_IMPORT.search(code):
        return None  # e.g. only arrow.utcnow(): no scope analysis needed to know nothing is the stdlib's
    collector = FactsCollector(tree)
    if "Column" not in code and "mapped_column" not in code and not collector.may_start_flow():
        # no site, no aware value to follow and no column default (DT106): nothing the scope analysis (most
        # of the cost of a file) could find. E.g. a test that only patches "app.clock.utcnow"
        return None
    scopes = Scopes(tree)
    facts = collector.resolve(scopes)
    positions = Positions(Source(code), code)
    py311 = target_version is not None and int(target_version[3:]) >= 11
    speller = Speller(facts.imports, scopes.global_scope, py311)
    calls = [s for s in facts.sites if s.call is not None]
    refs = [s for s in facts.sites if s.call is None]
    for site in calls:
        if site.outer_tz is not None:  # ``utcnow().replace(tzinfo=pytz.utc)``: ``now(pytz.utc)``, its tzinfo kept
            site.tz = ast.get_source_segment(code, site.outer_tz) or ""
        else:
            site.tz = speller.utc_for(site.scope, site.attr.value) or ""
    calls = [s for s in calls if s.tz]
    plan = plan_sites(positions, facts, scopes.names_of, scopes, calls, refs, mode, stubbed, held, verdicts)
    calls, refs = plan.calls, plan.refs
    helpers, helper_imports, helper_names = _plan_helpers(tree, positions, speller, refs, plan.ref_mode,
                                                          project_helpers or {})
    refs = [s for s in refs if s.kind in helper_names]
    if not calls and not refs and not plan.anchors:
        return RewritePlan()

    span = positions.span
    merges = speller.plan.merges
    return RewritePlan(
        calls=[CallRewrite(span(s.call), span(s.attr), s.kind, s.tz, bool(s.naive),
                           span(s.outer) if s.outer is not None else None, s.outer_kind, s.top_index)
               for s in calls],
        refs=[RefRewrite(span(s.attr), s.kind, helper_names[s.kind], s.top_index) for s in refs],
        merges=[ImportMerge(span(node), tuple(additions)) for node, additions in merges.items()
                if node is not MODULE_LEVEL],
        new_imports=tuple(merges[MODULE_LEVEL]) if MODULE_LEVEL in merges else None,
        helper_imports=helper_imports, helpers=helpers,
        limit=min((s.top_index for s in calls + refs), default=len(tree.body)),
        anchors=[_anchor(positions, plan.before, node, found) for node, found in plan.anchors + plan.ref_anchors(refs)],
        open_groups=list(plan.open_groups),
    )


def _anchor(positions: Positions, before: dict, node: ast.AST, found: tuple) -> Anchor:
    rule, message, fix, severity, partner = found
    return Anchor(positions.span(node), rule, message, fix, severity, before.get(node),
                  positions.span(partner) if partner is not None else None,
                  before.get(partner) if partner is not None else None)


def _plan_helpers(tree: ast.Module, positions: Positions, speller, refs, mode: str, project_helpers: dict):
    """Helper functions (source text), imports of the project's own helper (statement text), and the name
    each reference kind is rewritten to."""
    from infractl.fix_datetime.analyse.projecthelper import plan_project_helper

    helpers, helper_imports, names = [], [], {}
    if not refs:
        return helpers, helper_imports, names
    newline = _default_newline(positions.code)
    for kind in dict.fromkeys(s.kind for s in refs):
        if (kind, mode) in project_helpers:
            planned = plan_project_helper(tree, speller, [s.scope for s in refs], *project_helpers[(kind, mode)],
                                          newline=newline)
            if planned is not None:
                names[kind], statement = planned
                helper_imports.extend([statement] if statement is not None else [])
    refs = [s for s in refs if s.kind not in names]
    if not refs:
        return helpers, helper_imports, names
    cls = speller.class_for_module_level()
    tz = speller.utc_for(speller.global_scope, ast.parse(cls, mode="eval").body) if cls else None
    if not cls or not tz:
        return helpers, helper_imports, names  # no safe spelling at module level: leave the references alone
    top_level_functions = {stmt.name: stmt for stmt in tree.body if isinstance(stmt, FUNCTIONS)}
    ref_scopes = [s.scope for s in refs]
    indent = _default_indent(tree, positions.lines)
    for kind in dict.fromkeys(s.kind for s in refs):
        base, params, doc, body = HELPERS[(kind, mode)]
        for name in (base, f"_{base}", f"{base}_helper"):
            source = (
                f"def {name}({params}) -> {cls}:{newline}"
                f'{indent}"""{doc}"""{newline}'
                f"{indent}return {cls}{body.format(tz=tz)}{newline}"
            )
            existing = top_level_functions.get(name)
            if existing is not None and _function_text(existing, positions.lines, newline) == source:
                names[kind] = name  # a previous run (or the author) already added exactly this helper
                break
            if speller.is_free(name, *ref_scopes):
                names[kind] = name
                helpers.append(source)
                break
    return helpers, helper_imports, names


def _default_newline(code: str) -> str:
    """The file's first line break (libcst's ``Module.default_newline``)."""
    match = _NEWLINE.search(code)
    return match.group(0) if match else "\n"


def _default_indent(tree: ast.Module, lines: list[str]) -> str:
    """The indentation of the file's first indented block (libcst's ``Module.default_indent``)."""
    def blocks(statement):
        if isinstance(statement, (ast.Try, ast.TryStar)):
            yield statement.body
            yield from (handler.body for handler in statement.handlers)
            yield statement.orelse
            yield statement.finalbody
        elif isinstance(statement, ast.Match):
            yield from (case.body for case in statement.cases)
        else:
            for name in ("body", "orelse"):
                block = getattr(statement, name, None)
                if isinstance(block, list):
                    yield block

    stack = list(reversed(tree.body))
    while stack:
        statement = stack.pop()
        nested = []
        for block in blocks(statement):
            if not block:
                continue
            first = block[0]
            prefix = lines[first.lineno - 1][:first.col_offset]
            if prefix and not prefix.strip():
                return prefix
            nested.extend(block)
        stack.extend(reversed(nested))
    return DEFAULT_INDENT


def _function_text(function: ast.AST, lines: list[str], newline: str) -> str | None:
    """A top-level function's text as libcst's ``code_for_node`` gives it without its leading lines; None
    when it has decorators or trailing comments in its block (then it is not one of ours)."""
    if function.decorator_list:
        return None
    end = function.end_lineno
    for line in lines[end:]:
        stripped = line.strip()
        if stripped.startswith("#") and line[:1].isspace():
            return None  # a comment in the block's footer
        if stripped:
            break
    return newline.join(lines[function.lineno - 1:end]) + newline
