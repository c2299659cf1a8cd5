"""The rewrite as text edits: a ``RewritePlan`` applied to the text it was made for.

Every change is an edit at a place the analysis gave (``plan.py``), so every other byte of the file is
kept as it was. Findings are placed in the new text by mapping their node's start through the edits;
a finding on a node the rewrite removed (the ``utcnow`` name of a rewritten call, the inside of an
unwrapped ``.replace(...)``) is dropped, as the libcst rewrite dropped it. ``{line}`` in a message is
the partner's line: in the new text for the finding, in the input for ``before_message``.
"""

from __future__ import annotations

import ast
from bisect import bisect_right

from infractl.fix_datetime.plan import RewritePlan
from infractl.fix_datetime.rewrite.callsites import SiteEdits, Swallow, call_edits, ref_edits
from infractl.fix_datetime.rewrite.gaps import default_newline
from infractl.fix_datetime.rewrite.imports import header_edits, merge_edit, new_from_import
from infractl.fix_datetime.rewrite.places import SourceText
from infractl.fix_datetime.rewrite.transform import Hazard, TransformResult
from infractl.fixes import Edit, apply_edits


def apply_plan(code: str, plan: RewritePlan, tree: ast.Module | None = None) -> TransformResult:
    """``code`` rewritten as ``plan`` says, with its findings placed in the new text. ``tree``: ``code``'s
    ``ast`` when the caller has it (needed only to place new imports and helpers)."""
    src = SourceText(code, tree)
    newline = default_newline(code)
    site = SiteEdits()
    if plan.calls or plan.refs:
        for call in plan.calls:
            call_edits(src, call, newline, site)
        for ref in plan.refs:
            ref_edits(src, ref, site)
        for merge in plan.merges:
            site.edits.append((*merge_edit(src, merge, newline), 1))
        imports = [new_from_import(plan.new_imports, newline)] if plan.new_imports else []
        imports += plan.helper_imports
        if imports or plan.helpers:
            site.edits.extend((at, at, text, 2) for at, text in header_edits(src, plan.limit, imports, plan.helpers,
                                                                             newline))
    edits = _merged(site.edits)
    new_code = apply_edits(code, edits) if edits else code
    places = _Mapper(edits, SourceText(new_code) if edits else src)
    removed = _Removed(site.swallows)
    hazards = []
    for anchor in plan.anchors:
        start, end = src.span(anchor.span)
        if removed(start, end):
            continue  # only when a rewrite swallowed the anchor
        line, column = places.place(site.moved.get((start, end), start))
        partner_line = partner_before = 0
        if anchor.partner is not None:
            partner = src.span(anchor.partner)
            if not removed(*partner):
                partner_line = places.place(site.moved.get(partner, partner[0]))[0]
            partner_before = anchor.partner_before[0] if anchor.partner_before else 0
        hazards.append(Hazard(line, column, anchor.rule, anchor.message.replace("{line}", str(partner_line)),
                              anchor.fix, anchor.severity, anchor.before,
                              anchor.message.replace("{line}", str(partner_before))))
    hazards.sort(key=lambda h: (h.line, h.column, h.rule))
    return TransformResult(new_code, len(plan.calls), len(plan.refs), tuple(dict.fromkeys(hazards)),
                           tuple(plan.open_groups))


def _merged(edits: list[tuple[int, int, str, int]]) -> list[Edit]:
    """One edit per offset: insertions there first (a node's new end before a new argument after it),
    then what replaces text from there."""
    by_start: dict[int, list[tuple[int, int, str, int]]] = {}
    for edit in edits:
        by_start.setdefault(edit[0], []).append(edit)
    merged = []
    for start in sorted(by_start):
        group = sorted(by_start[start], key=lambda e: (e[1] > e[0], e[3]))
        replacing = [e for e in group if e[1] > e[0]]
        if len(replacing) > 1:
            raise ValueError(f"two rewrites replace text at offset {start}")
        end = replacing[0][1] if replacing else start
        merged.append(Edit(start, end, "".join(e[2] for e in group)))
    return merged


class _Removed:
    """Whether a node is gone from the new text: the few swallowed regions that can hold it, found by
    bisection (a file has as many regions as rewrites, and as many findings)."""

    def __init__(self, swallows: list[Swallow]) -> None:
        self.swallows = sorted(swallows, key=lambda s: s.region)
        self.starts = [s.region[0] for s in self.swallows]
        self.longest = max((s.region[1] - s.region[0] for s in swallows), default=0)

    def __call__(self, start: int, end: int) -> bool:
        index = bisect_right(self.starts, start) - 1
        while index >= 0 and self.starts[index] >= start - self.longest:
            if self.swallows[index].removes(start, end):
                return True
            index -= 1
        return False


class _Mapper:
    """Offsets of the input to places in the new text: an insertion at a node's start goes before it, a
    node inside replaced text moves to where the replacement starts."""

    def __init__(self, edits: list[Edit], new: SourceText) -> None:
        self.new = new
        self.starts = [e.start for e in edits]
        self.shifts, shift = [], 0
        self.edits = edits
        for edit in edits:
            self.shifts.append(shift)  # what the edits before this one added
            shift += len(edit.new) - (edit.end - edit.start)
        self.total = shift

    def offset(self, old: int) -> int:
        index = bisect_right(self.starts, old) - 1
        if index < 0:
            return old
        edit = self.edits[index]
        if edit.start == old:
            return old + self.shifts[index] + (len(edit.new) if edit.start == edit.end else 0)
        if old < edit.end:
            return edit.start + self.shifts[index]
        return old + self.shifts[index] + len(edit.new) - (edit.end - edit.start)

    def place(self, old: int) -> tuple[int, int]:
        return self.new.place(self.offset(old))
