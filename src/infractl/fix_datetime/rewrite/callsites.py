"""The edits of one rewritten call or reference: only the rewritten tokens change, every other byte stays.

``X.utcnow()`` -> ``X.now(<tz>)``; ``X.utcfromtimestamp(t)`` -> ``X.fromtimestamp(t, tz=<tz>)``, the new
argument laid out as the call is (on its own line in a one-argument-per-line call, after a trailing
comma, before a comment that ended the argument's line); a naive site gets ``.replace(tzinfo=None)``
appended (inside the parentheses around the call: they now hold the whole); an aware UTC call loses the
``.replace(tzinfo=timezone.utc)`` or ``pytz.utc.localize(...)`` around it (a ``.replace`` that holds a
comment is kept: dropping it would drop the comment; ``localize`` must go, it raises on an aware value);
``default=X.utcnow`` -> ``default=<helper>``.

Besides edits, each rewrite says which nodes of the input it removes ("swallowed": a finding there has
no place in the new text, as with libcst, where such a node was replaced by a new one) and which node's
place moves to another's (the unwrapped call stands where ``.replace(...)`` stood).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from infractl.fix_datetime.plan import CallRewrite, RefRewrite
from infractl.fix_datetime.rewrite.gaps import Gap, paren_extent, parse_gap, skip_gap
from infractl.fix_datetime.rewrite.places import SourceText

SUFFIX, ARGUMENT = 0, 1  # at one offset, text that ends a node comes before a new argument after it
INDENT = "    "  # a continuation line inside brackets: any indent is valid


@dataclass(frozen=True)
class Swallow:
    """Nodes inside ``region`` but not inside ``keep`` are gone from the new text; ``survivor`` (a node's
    exact extent) is not: its replacement starts where it did."""

    region: tuple[int, int]
    keep: tuple[int, int] | None = None
    survivor: tuple[int, int] | None = None

    def removes(self, start: int, end: int) -> bool:
        if not (self.region[0] <= start and end <= self.region[1]) or (start, end) == self.survivor:
            return False
        return self.keep is None or not (self.keep[0] <= start and end <= self.keep[1])


@dataclass
class SiteEdits:
    edits: list[tuple[int, int, str, int]] = field(default_factory=list)  # (start, end, new, order)
    swallows: list[Swallow] = field(default_factory=list)
    moved: dict[tuple[int, int], int] = field(default_factory=dict)  # a node's extent -> the offset it now has


def call_edits(src: SourceText, call: CallRewrite, newline: str, out: SiteEdits) -> None:
    code = src.code
    start, end = src.span(call.call)
    attr_start, attr_end = src.span(call.attr)
    name = attr_end - len(call.kind)
    if code[name:attr_end] != call.kind:
        raise ValueError(f"the plan's call at {call.call} does not end its name with {call.kind}")
    utcnow = call.kind == "utcnow"
    out.edits.append((name, attr_end, "now" if utcnow else "fromtimestamp", ARGUMENT))
    out.swallows.append(Swallow((attr_start, attr_end), (attr_start, _receiver_end(code, attr_start, name))))
    opening = skip_gap(code, attr_end, end)
    if utcnow:
        _utcnow_argument(src, opening, end - 1, call.tz, out)
    else:
        _tz_argument(src, start, end, opening, call.tz, newline, out)
    if call.naive and call.outer_kind is None:
        out.edits.append((end, end, ".replace(tzinfo=None)", SUFFIX))
    if call.outer_kind == "utc" and call.outer is not None:
        _unwrap(src, (start, end), src.span(call.outer), out)


def ref_edits(src: SourceText, ref: RefRewrite, out: SiteEdits) -> None:
    start, end = src.span(ref.attr)
    out.edits.append((start, end, ref.helper, ARGUMENT))
    out.swallows.append(Swallow((start, end), survivor=(start, end)))


def _receiver_end(code: str, attr_start: int, name: int) -> int:
    """The end of ``X`` in ``X.utcnow``: the dot is the last one before the name."""
    return code.rindex(".", attr_start, name)


def _utcnow_argument(src: SourceText, opening: int, closing: int, tz: str, out: SiteEdits) -> None:
    """``utcnow( )`` -> ``now(timezone.utc)``; ``utcnow(  # why\\n)`` keeps the comment, and the argument
    goes on the next line."""
    inside = src.code[opening + 1:skip_gap(src.code, opening + 1, closing)]
    new = tz
    if "#" in inside:
        gap = parse_gap(inside, src.indent_at(opening))
        if gap.parenthesized and gap.has_comment():
            new = Gap(gap.first, gap.empties, gap.indent, INDENT).render(src.indent_at(opening)) + tz
    out.edits.append((opening + 1, closing, new, ARGUMENT))


def _first_argument(code: str, start: int, end: int) -> tuple[int, int] | None:
    """The extent (offsets in ``code``) of the call's first argument, its parentheses included."""
    snippet = code[start:end]
    node = ast.parse(snippet, mode="eval").body
    if not isinstance(node, ast.Call):
        raise TypeError("the plan's call is not a call")
    arguments = sorted([*node.args, *node.keywords], key=lambda a: (a.lineno, a.col_offset))
    if not arguments:
        return None
    inner = SourceText(snippet)
    first = arguments[0]
    first_start = start + inner.at(first.lineno, first.col_offset)
    first_end = start + inner.at(first.end_lineno, first.end_col_offset)
    return paren_extent(code, first_start, first_end)


def _tz_argument(src: SourceText, start: int, end: int, opening: int, tz: str, newline: str,
                 out: SiteEdits) -> None:
    """``(t)`` -> ``(t, tz=...)``; a multi-line ``(\\n    t,\\n)`` gets the new argument on its own line."""
    code, closing = src.code, end - 1
    first = _first_argument(code, start, end)
    if first is None:
        out.edits.append((opening + 1, closing, f"tz={tz}", ARGUMENT))
        return
    keyword = f"tz={tz}"
    indent = None

    def gap(text: str) -> Gap:
        nonlocal indent
        indent = src.indent_at(opening) if indent is None else indent
        return parse_gap(text, indent)

    after_arg = skip_gap(code, first[1], closing)
    if code[after_arg] != ",":  # no trailing comma
        if parse_gap(code[first[1]:closing], "").parenthesized:
            # ``(t  # why\n)``: what followed t (a comment, the line break before ``)``) now follows tz=,
            # so the comment stays on t's line and ``)`` where it was
            before = gap(code[opening + 1:first[0]])
            space = newline + (indent if before.indent else "") + before.last if before.parenthesized else " "
            out.edits.append((first[1], first[1], f",{space}{keyword}", ARGUMENT))
        else:
            out.edits.append((first[1], first[1], ", ", ARGUMENT))
            out.edits.append((closing, closing, keyword, ARGUMENT))
        return
    comma_before = code[first[1]:after_arg]
    after_comma = code[after_arg + 1:closing]  # more arguments after it go: only the first is kept
    trailing, before = gap(after_comma), gap(code[opening + 1:first[0]])
    if trailing.parenthesized and before.parenthesized:
        separator = Gap(trailing.first, trailing.empties, trailing.indent, before.last).render(indent)
        closing_gap = trailing.without_comment(newline).render(indent)
        new = f"{comma_before},{separator}{keyword}{comma_before},{closing_gap}"
    else:
        new = f", {keyword}{comma_before},{after_comma}"
    out.edits.append((first[1], closing, new, ARGUMENT))


def _unwrap(src: SourceText, inner: tuple[int, int], outer: tuple[int, int], out: SiteEdits) -> None:
    """``<call>.replace(tzinfo=timezone.utc)`` / ``pytz.utc.localize(<call>)`` -> ``<call>``, with the
    parentheses that were around the whole when the call had none of its own."""
    code = src.code
    inner_full = paren_extent(code, *inner)
    outer_full = paren_extent(code, *outer)
    is_replace = outer[0] == inner_full[0]
    if is_replace and code[outer_full[0]:outer_full[1]].count("#") > code[inner_full[0]:inner_full[1]].count("#"):
        return  # a comment sits in the .replace(...): kept
    if inner_full != inner:
        cut = (outer_full[0], inner_full[0]), (inner_full[1], outer_full[1])
    else:
        cut = (outer[0], inner[0]), (inner[1], outer[1])
    for start, stop in cut:
        if stop > start:
            out.edits.append((start, stop, "", ARGUMENT))
    out.swallows.append(Swallow(outer_full, inner_full, survivor=outer))
    out.moved[outer] = inner[0]

