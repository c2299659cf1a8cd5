"""Rewrite ``datetime.utcnow()`` / ``utcfromtimestamp()`` and references to them into aware calls.

``X.utcnow()`` becomes ``X.now(timezone.utc)`` and ``X.utcfromtimestamp(t)`` becomes
``X.fromtimestamp(t, tz=timezone.utc)`` (``--mode naive`` appends ``.replace(tzinfo=None)`` so values stay
exactly as before). Names are resolved by qualified name, UTC is spelled with what the file already
binds (see spelling.py), and only the rewritten expressions change: every other byte is kept, and a
second run changes nothing.

References that are not calls (``default=datetime.utcnow``, ``now_fn = datetime.utcnow``) become a
module-level helper, ``utc_now()``, added once after the imports, rather than
``functools.partial(datetime.now, timezone.utc)``. The helper serves both modes: naive mode needs a
callable returning ``datetime.now(timezone.utc).replace(tzinfo=None)``, which a partial cannot express.
It reads well where references live (``Column(DateTime, default=utc_now)``), needs no functools import,
and is a plain named function: SQLAlchemy's default-callable introspection, Django's migration
serializer, pickling and tracebacks all see ``module.utc_now``, while a partial over a builtin method has
no ``__name__`` and shows up as an opaque ``functools.partial(<built-in method now ...>)``. It is also
the one place to change if the project later wants its own clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MODES = ("auto", "aware", "naive")
# a file can only call the standard library's utcnow if it imports datetime somewhere
DATETIME_IMPORT = re.compile(r"\bfrom\s+datetime\b|\bimport\b[^\n]*\bdatetime\b")
# values that are aware in code as it stands: their hazards are found even once no utcnow() is left
AWARE_TEXT = re.compile(r"(?:now|fromtimestamp)\([^)]*\b(?:utc|UTC)\)|tzinfo=[\w.]*\b(?:utc|UTC)\b")
# a file that may stub the clock: patch(...) targets, or a fake datetime class
STUB_TEXT = re.compile(r"patch|class \w+\([\w.]*datetime\)")
# ...and only worth parsing when something naive for them to meet is in the file too
NAIVE_PARTNER_TEXT = re.compile(r"strptime|fromisoformat|localize\(|tzinfo=None|\bdatetime\([^)]|now\(\)|today\(\)"
                                r"|\.min\b|\.max\b|combine\(")
TARGET_VERSIONS = tuple(f"py3{minor}" for minor in range(8, 15))
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


@dataclass(frozen=True)
class Hazard:
    """A place to review, or a rewrite. ``line``/``column`` (1-based) point into ``TransformResult.code``;
    ``before`` is the same place in the input (where ``--check`` and ``--diff`` report it)."""

    line: int
    column: int
    rule: str  # stable id: "DT1xx" hazard, "DT010"/"DT011" rewrite, "DT012" kept naive
    message: str  # one-line why
    fix: str  # one-line hint
    severity: str = "warning"  # "warning" | "info"; rewrites are "error" (the command decides per run)
    before: tuple[int, int] | None = None
    before_message: str = ""  # the message with line numbers of the input


@dataclass(frozen=True)
class TransformResult:
    code: str  # new source text (identical to input when nothing changed)
    calls_fixed: int  # utcnow()/utcfromtimestamp() calls rewritten
    refs_fixed: int  # non-call references rewritten (default=datetime.utcnow, ...)
    hazards: tuple[Hazard, ...]
    open_groups: tuple[tuple[int, int], ...] = ()  # safety.Plan's: what --verify may try aware


def transform_source(code: str, *, mode: str = "auto", target_version: str | None = None,
                     project_helpers: dict | None = None, stubbed=None,
                     held: frozenset[str] = frozenset(), verdicts: dict | None = None) -> TransformResult:
    """Rewrite one file's source. Raises libcst.ParserSyntaxError when the code does not parse.

    ``project_helpers`` maps (kind, mode), e.g. ("utcnow", "aware"), to a project's own helper
    (module, name) that references import instead of getting a helper function per module.

    ``stubbed``: tests of the project patch this module's ``datetime`` (``patch("pkg.mod.datetime")``):
    "naive" makes auto mode keep its values naive, the form the rewritten stubs expect (stubs.py);
    "keep:<test>:<line>" (a stub there cannot follow the rewrite) leaves its calls as they are, except in
    aware mode. A ``stubs.verdict.StubVerdict`` carries that as ``module``, and what other files tell this
    file's own stubs (mocks of datetime named here but put in elsewhere, stubs held back, DT107 notes).

    ``held``: the rewrite rules (DT010, DT011) the user did not select (``--ignore DT010``): as with ruff,
    a rule that is not selected is not fixed either, so those sites are left as they are.

    ``verdicts``: what ``--verify`` decided for the open groups of this file (safety.plan_sites)."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    if target_version is not None and target_version not in TARGET_VERSIONS:
        raise ValueError(f"target_version must be one of {', '.join(TARGET_VERSIONS)}, not {target_version!r}")
    unchanged = TransformResult(code, 0, 0, ())
    if "utcnow" not in code and "utcfromtimestamp" not in code and not (
            AWARE_TEXT.search(code) and NAIVE_PARTNER_TEXT.search(code)):
        return unchanged  # the cheap exit most files take
    helpers = project_helpers or {}
    verdict = stubbed if stubbed is not None and not isinstance(stubbed, str) else None
    stubbed = verdict.module if verdict is not None else stubbed or ""
    told = verdict is not None and bool(verdict.names or verdict.hold or verdict.notes)
    module = None  # parsed once: the stubs' pass hands its tree on when it changes nothing
    if told or STUB_TEXT.search(code):
        import libcst as cst

        module = cst.parse_module(code)
    stubs = None
    if module is not None:  # the stub phase on ast (stubs/phase.py)
        import ast

        from infractl.fix_datetime.stubs.phase import stub_phase

        stubs = stub_phase(code, ast.parse(code), mode, held, verdict)
    if stubs is None:
        return _transform(code, mode, target_version, helpers, stubbed, held, verdicts, module) or unchanged
    code, renamed, stub_findings = stubs
    module = None if code != module.code else module  # renamed: the analysis parses the new text
    result = (_transform(code, mode, target_version, helpers, stubbed, held, verdicts, module)
              or TransformResult(code, 0, 0, ()))
    hazards = tuple(sorted((*result.hazards, *stub_findings), key=lambda h: (h.line, h.column, h.rule)))
    return TransformResult(result.code, result.calls_fixed, result.refs_fixed + renamed, hazards, result.open_groups)


def _rename_stubs(module, code: str, mode: str, held: frozenset[str],
                  verdict=None) -> tuple[object, str, int, list[Hazard]] | None:
    """Clock stubs renamed (stubs.py): (the renamed tree, its code, renames, a DT010/DT011 finding per rename
    and DT107 where it cannot be).

    A file with a stub that cannot follow keeps all its stubs (except in aware mode): the modules it
    stubs keep their calls too (stubgroups.py), so the test keeps working as it is. So does a file whose
    group holds a stub elsewhere that cannot follow (``verdict.hold``): DT107 at each stub kept."""
    import libcst as cst

    from infractl.fix_datetime.analyse.rules import CLOCK_STUB_NOT_REWRITTEN as STUB
    from infractl.fix_datetime.analyse.rules import REWRITE_RULE
    from infractl.fix_datetime.rewrite.cst import code_with_positions
    from infractl.fix_datetime.stubs.renames import RENAMED, find_stubs, rename_stubs
    from infractl.selection import suppressed_by_noqa

    plan = find_stubs(module, verdict.names, verdict.drop) if verdict is not None else find_stubs(module)
    notes = verdict.notes if verdict is not None else ()
    if not plan.renames and not plan.problems and not notes:
        return None
    kept = set()
    if (plan.problems or (verdict is not None and verdict.hold)) and mode != "aware":
        kept = plan.renames if not plan.problems else set()  # held by another file's stub: said at each
        plan.renames, plan.calls = set(), set()
    positions = code_with_positions(module, plan.renames | kept | {a for a, _ in plan.problems})[1]
    findings, lines = [], code.splitlines()
    reported = {positions[a][0] for a, _ in plan.problems}
    why = [(*positions[n], f"left as it is: the clock stub at {verdict.hold} cannot follow the rewrite")
           for n in kept]
    for line, column, reason in sorted({*why, *((line, column, r) for line, column, r in notes
                                                if line not in reported)}):
        message = f"{STUB.summary} ({reason})"
        findings.append(_hazard_of(STUB, line, column, message))
    for node in list(plan.renames):
        old = node.attr.value if isinstance(node, cst.Attribute) else node.value[1:-1].rsplit(".", 1)[-1]
        rule = REWRITE_RULE["utcnow" if old == "utcnow" else "utcfromtimestamp"]
        if rule.id in held or suppressed_by_noqa(rule.id, lines[positions[node][0] - 1]):
            plan.renames.discard(node)
            continue
        message = f"deprecated datetime.{old}: a clock stub of {old}() becomes a stub of {RENAMED[old]}()"
        findings.append(_hazard_of(rule, *positions[node], message))
    for anchor, reason in plan.problems:
        message = f"{STUB.summary} ({reason})"
        findings.append(_hazard_of(STUB, *positions[anchor], message))
    renamed = rename_stubs(module, plan, mode != "aware")
    return renamed, renamed.code, len(plan.renames), findings


def _hazard_of(rule, line: int, column: int, message: str) -> Hazard:
    """A hazard of ``rule`` (an analyse.rules object) at its declared severity, where the input has it too."""
    return Hazard(line, column, rule.id, message, rule.fix, rule.severity.value, (line, column), message)


def _transform(code: str, mode: str, target_version: str | None, project_helpers: dict,
               stubbed: str, held: frozenset[str], verdicts: dict | None = None,
               module=None) -> TransformResult | None:
    """``module``: ``code`` already parsed, or None; ``verdicts``: --verify's (safety.plan_sites)."""
    import libcst as cst
    from libcst.metadata import MetadataWrapper

    from infractl.fix_datetime.analyse.analysis import collect_facts
    from infractl.fix_datetime.analyse.safety import Plan, plan_sites
    from infractl.fix_datetime.rewrite.cst import Rewriter, code_with_positions
    from infractl.fix_datetime.rewrite.imports import header_bounds, insert_statements, new_from_import
    from infractl.fix_datetime.rewrite.spelling import MODULE_LEVEL, Speller
    from infractl.fix_datetime.select.prefilter import may_use_datetime_class

    if module is None:
        module = cst.parse_module(code)  # a candidate must parse, even when it turns out to need nothing
    if not DATETIME_IMPORT.search(code):
        return None  # e.g. only arrow.utcnow(): no scope analysis needed to know nothing is the stdlib's
    if "Column" not in code and "mapped_column" not in code and not may_use_datetime_class(code):
        # no site, no aware value to follow and no column default (DT106): nothing the scope analysis (most
        # of the cost of a file) could find. E.g. a test that only patches "app.clock.utcnow"
        return None
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)  # freshly parsed: no defensive copy needed
    collector = collect_facts(wrapper)
    facts, scopes = collector.facts, collector.scopes
    global_scope = scopes[module]
    py311 = target_version is not None and int(target_version[3:]) >= 11
    speller = Speller(facts.imports, global_scope, py311)
    calls = [s for s in facts.sites if s.call is not None]
    refs = [s for s in facts.sites if s.call is None]
    for site in calls:
        site.tz = speller.utc_for(site.scope, site.attr.value) or ""
    calls = [s for s in calls if s.tz]
    plan: Plan = plan_sites(module, code, facts, collector.names_of, scopes, calls, refs, mode, stubbed, held,
                            verdicts)
    calls, refs = plan.calls, plan.refs
    helpers, helper_names = _plan_helpers(module, speller, refs, plan.ref_mode, project_helpers)
    helper_imports = [h for h in helpers if isinstance(h, cst.SimpleStatementLine)]  # from app.x import y
    helpers = [h for h in helpers if not isinstance(h, cst.SimpleStatementLine)]
    refs = [s for s in refs if s.kind in helper_names]
    if not calls and not refs and not plan.anchors:
        return None

    anchors = plan.anchors + plan.ref_anchors(refs)
    marked = {a for a, _ in anchors} | {f[4] for _, f in anchors if f[4] is not None}
    merges = {k: v for k, v in speller.plan.merges.items() if k is not MODULE_LEVEL}
    rewriter = Rewriter(calls + refs, helper_names, merges, False, marked, facts.on_site_paths)
    new_module = module.visit(rewriter) if calls or refs else module
    new_imports = speller.plan.merges.get(MODULE_LEVEL) if calls or refs else None
    if new_imports or helpers or helper_imports:
        limit = min((s.top_index for s in calls + refs), default=len(module.body))
        import_index, helper_index = header_bounds(module, limit)
        imports = [new_from_import(new_imports)] if new_imports else []
        imports += helper_imports
        new_module = insert_statements(new_module, import_index, imports, helper_index, helpers)

    # an anchor outside every rewritten subtree is still the very same node object in the new tree
    updated = {node: rewriter.updated_anchors.get(node, node) for node in marked}
    new_code, positions = code_with_positions(new_module, set(updated.values()))
    hazards = []
    for anchor, (rule, message, fix, severity, partner) in anchors:
        if updated[anchor] not in positions:  # only when a rewrite swallowed the anchor
            continue
        line, column = positions[updated[anchor]]
        partner_line = positions.get(updated.get(partner), (0, 0))[0]
        partner_before = plan.before.get(partner, (0, 0))[0]
        hazards.append(Hazard(line, column, rule, message.replace("{line}", str(partner_line)), fix, severity,
                              plan.before.get(anchor), message.replace("{line}", str(partner_before))))
    hazards.sort(key=lambda h: (h.line, h.column, h.rule))
    return TransformResult(new_code, len(calls), len(refs), tuple(dict.fromkeys(hazards)), tuple(plan.open_groups))


def _plan_helpers(module, speller, refs, mode: str, project_helpers: dict):
    """Helper functions (or imports of the project's own helper) for references, and the name each
    reference kind is rewritten to."""
    import libcst as cst

    from infractl.fix_datetime.rewrite.helperconfig import plan_project_helper

    helpers, names = [], {}
    if not refs:
        return helpers, names
    for kind in dict.fromkeys(s.kind for s in refs):
        if (kind, mode) in project_helpers:
            planned = plan_project_helper(module, speller, [s.scope for s in refs], *project_helpers[(kind, mode)])
            if planned is not None:
                names[kind], statement = planned
                helpers.extend([statement] if statement is not None else [])
    refs = [s for s in refs if s.kind not in names]
    if not refs:
        return helpers, names
    cls = speller.class_for_module_level()
    tz = speller.utc_for(speller.global_scope, cst.parse_expression(cls)) if cls else None
    if not cls or not tz:
        return helpers, names  # no safe spelling at module level: leave the references alone
    top_level_functions = {stmt.name.value: stmt for stmt in module.body if isinstance(stmt, cst.FunctionDef)}
    ref_scopes = [s.scope for s in refs]
    newline, indent = module.default_newline, module.default_indent
    for kind in dict.fromkeys(s.kind for s in refs):
        base, params, doc, body = HELPERS[(kind, mode)]
        for name in (base, f"_{base}", f"{base}_helper"):
            source = (
                f"def {name}({params}) -> {cls}:{newline}"
                f'{indent}"""{doc}"""{newline}'
                f"{indent}return {cls}{body.format(tz=tz)}{newline}"
            )
            existing = top_level_functions.get(name)
            if existing is not None and module.code_for_node(existing.with_changes(leading_lines=())) == source:
                names[kind] = name  # a previous run (or the author) already added exactly this helper
                break
            if speller.is_free(name, *ref_scopes):
                names[kind] = name
                helpers.append(cst.parse_statement(source, config=module.config_for_parsing))
                break
    return helpers, names
