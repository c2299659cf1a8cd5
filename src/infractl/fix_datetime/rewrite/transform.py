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
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import ast

MODES = ("auto", "aware", "naive")
# values that are aware in code as it stands: their hazards are found even once no utcnow() is left
AWARE_TEXT = re.compile(r"(?:now|fromtimestamp)\([^)]*\b(?:utc|UTC)\)|tzinfo=[\w.]*\b(?:utc|UTC)\b")
# a file that may stub the clock: patch(...) targets, or a fake datetime class
STUB_TEXT = re.compile(r"patch|class \w+\([\w.]*datetime\)")
# ...and only worth parsing when something naive for them to meet is in the file too
NAIVE_PARTNER_TEXT = re.compile(r"strptime|fromisoformat|localize\(|tzinfo=None|\bdatetime\([^)]|now\(\)|today\(\)"
                                r"|\.min\b|\.max\b|combine\(")
# A file that may stub the clock (STUB_TEXT) is walked for stubs only when it names something the stub
# phase can act on (stubs/renames.py reads a target as the plain text between its quotes):
# a mock of datetime or what is put in for it ("pkg.mod.datetime"), a renamed target ("...datetime.utcnow",
# patch.object(x.datetime, "utcnow")), a fake class's ``def utcnow``. A test that patches only the project's
# own "app.clock.utcnow" has none of them and is not walked for stubs
STUB_TARGET_TEXT = re.compile(r"datetime(?:\.utc(?:now|fromtimestamp))?['\"]|['\"]utc(?:now|fromtimestamp)['\"]"
                              r"|def[\s\\]+utc(?:now|fromtimestamp)\b")
TARGET_VERSIONS = tuple(f"py3{minor}" for minor in range(8, 15))


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
                     held: frozenset[str] = frozenset(), verdicts: dict | None = None,
                     parsed: ast.Module | None = None) -> TransformResult:
    """Rewrite one file's source. Raises SyntaxError (RecursionError when too deeply nested) when it does
    not parse; ValueError for a mode or target version it does not know.

    ``project_helpers`` maps (kind, mode), e.g. ("utcnow", "aware"), to a project's own helper
    (module, name) that references import instead of getting a helper function per module.

    ``stubbed``: tests of the project patch this module's ``datetime`` (``patch("pkg.mod.datetime")``):
    "naive" makes auto mode keep its values naive, the form the rewritten stubs expect (stubs.py);
    "keep:<test>:<line>" (a stub there cannot follow the rewrite) leaves its calls as they are, except in
    aware mode. A ``stubs.verdict.StubVerdict`` carries that as ``module``, and what other files tell this
    file's own stubs (mocks of datetime named here but put in elsewhere, stubs held back, DT107 notes).

    ``held``: the rewrite rules (DT010, DT011) the user did not select (``--ignore DT010``): as with ruff,
    a rule that is not selected is not fixed either, so those sites are left as they are.

    ``verdicts``: what ``--verify`` decided for the open groups of this file (safety.plan_sites).

    ``parsed``: ``ast.parse(code)`` already made (the prefilter's, workers.rewrite_source), not made again.

    Three stages, each on Python's own ``ast`` and the text: the clock stubs of a test file are renamed
    (stubs/phase.py; the new text is parsed again), the analysis decides what to change and report
    (analyse/planner.py: a RewritePlan, by place), and the rewrite makes it text edits (rewrite/edits.py)."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    if target_version is not None and target_version not in TARGET_VERSIONS:
        raise ValueError(f"target_version must be one of {', '.join(TARGET_VERSIONS)}, not {target_version!r}")
    unchanged = TransformResult(code, 0, 0, ())
    if "utcnow" not in code and "utcfromtimestamp" not in code and not (
            AWARE_TEXT.search(code) and NAIVE_PARTNER_TEXT.search(code)):
        return unchanged  # the cheap exit most files take
    from infractl.fix_datetime.analyse.planner import plan_file
    from infractl.fix_datetime.rewrite.edits import apply_plan
    from infractl.load.pyast import parse_module

    verdict = stubbed if stubbed is not None and not isinstance(stubbed, str) else None
    stubbed = verdict.module if verdict is not None else stubbed or ""
    told = verdict is not None and bool(verdict.names or verdict.hold or verdict.notes)
    tree = parsed or parse_module(code)  # a candidate must parse, even when it turns out to need nothing
    stubs = None
    if told or (STUB_TEXT.search(code) and STUB_TARGET_TEXT.search(code)):
        from infractl.fix_datetime.stubs.phase import stub_phase

        stubs = stub_phase(code, tree, mode, held, verdict)
        if stubs is not None:
            code = stubs[0]
            tree = parse_module(code)
    plan = plan_file(code, tree, mode=mode, target_version=target_version, project_helpers=project_helpers or {},
                     stubbed=stubbed, held=held, verdicts=verdicts)
    if plan is None or not (plan.calls or plan.refs or plan.anchors):
        result = TransformResult(code, 0, 0, ())
    else:
        result = apply_plan(code, plan, tree)
    if stubs is None:
        return result
    _, renamed, stub_findings = stubs
    hazards = tuple(sorted((*result.hazards, *stub_findings), key=lambda h: (h.line, h.column, h.rule)))
    return TransformResult(result.code, result.calls_fixed, result.refs_fixed + renamed, hazards, result.open_groups)
