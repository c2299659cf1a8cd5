"""The clock-stub phase of fix-datetime: a file's clock stubs renamed before its own calls are rewritten.

``stub_phase`` runs on ``ast`` and text edits (renames.py finds and renames); the transform runs it when the
tests' verdict tells this file something or the text may stub the clock (transform.py's ``STUB_TEXT``), and
parses the renamed text again for the analysis.
"""

from __future__ import annotations

import ast

from infractl.fix_datetime.analyse.rules import CLOCK_STUB_NOT_REWRITTEN as STUB
from infractl.fix_datetime.analyse.rules import REWRITE_RULE
from infractl.fix_datetime.rewrite.transform import Hazard
from infractl.fix_datetime.stubs.renames import RENAMED, find_stubs, rename_stubs
from infractl.fix_datetime.stubs.textplaces import SourceText
from infractl.rulebook.selection import suppressed_by_noqa


def stub_phase(code: str, tree: ast.Module, mode: str, held: frozenset[str],
               verdict=None) -> tuple[str, int, list[Hazard]] | None:
    """Clock stubs renamed (renames.py): (the renamed code, renames, a DT010/DT011 finding per rename and
    DT107 where it cannot be), or None when the file has no stub and nothing is said about it. ``tree`` is
    ``code`` parsed; ``held``: the rewrite rules not selected; ``verdict``: a ``stubs.verdict.StubVerdict``.
    Findings are placed in the input (the renames keep every line where it is).

    A file with a stub that cannot follow keeps all its stubs (except in aware mode): the modules it
    stubs keep their calls too (groups.py), so the test keeps working as it is. So does a file whose
    group holds a stub elsewhere that cannot follow (``verdict.hold``): DT107 at each stub kept."""
    text = SourceText(code)
    plan = find_stubs(tree, text, verdict.names, verdict.drop) if verdict is not None else find_stubs(tree, text)
    notes = verdict.notes if verdict is not None else ()
    if not plan.renames and not plan.problems and not notes:
        return None
    kept = set()
    if (plan.problems or (verdict is not None and verdict.hold)) and mode != "aware":
        kept = plan.renames if not plan.problems else set()  # held by another file's stub: said at each
        plan.renames, plan.calls = set(), set()
    findings, lines = [], code.splitlines()
    problems = sorted(((text.place(anchor), reason) for anchor, reason in plan.problems), key=lambda p: p[0])
    reported = {line for (line, _), _ in problems}
    why = [(*text.place(n), f"left as it is: the clock stub at {verdict.hold} cannot follow the rewrite")
           for n in kept]
    for line, column, reason in sorted({*why, *((line, column, r) for line, column, r in notes
                                                if line not in reported)}):
        findings.append(_hazard_of(STUB, line, column, f"{STUB.summary} ({reason})"))
    for place, node in sorted(((text.place(node), node) for node in plan.renames), key=lambda pair: pair[0]):
        old = node.attr if isinstance(node, ast.Attribute) else text.string(node).rsplit(".", 1)[-1]
        rule = REWRITE_RULE["utcnow" if old == "utcnow" else "utcfromtimestamp"]
        if rule.id in held or suppressed_by_noqa(rule.id, lines[place[0] - 1]):
            plan.renames.discard(node)
            continue
        message = f"deprecated datetime.{old}: a clock stub of {old}() becomes a stub of {RENAMED[old]}()"
        findings.append(_hazard_of(rule, *place, message))
    for place, reason in problems:
        findings.append(_hazard_of(STUB, *place, f"{STUB.summary} ({reason})"))
    return rename_stubs(text, plan, mode != "aware"), len(plan.renames), findings


def _hazard_of(rule, line: int, column: int, message: str) -> Hazard:
    """A hazard of ``rule`` (an analyse.rules object) at its declared severity, where the input has it too."""
    return Hazard(line, column, rule.id, message, rule.fix, rule.severity.value, (line, column), message)
