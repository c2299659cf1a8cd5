"""What the analysis decided for one file, by place: the seam between ``analyse/`` and ``rewrite/``.

The analysis (``ast``) says what to change and what to report; the rewrite turns that into text edits
and findings at their places in the new text. Places are spans of the input text, as ``ast`` gives
them once its UTF-8 byte columns are turned into characters: ``(line, column, end_line, end_column)``,
lines 1-based, columns 0-based characters, the node's own extent (parentheses around it excluded).
"""

from __future__ import annotations

from dataclasses import dataclass, field

Span = tuple[int, int, int, int]
Place = tuple[int, int]  # (line, column), both 1-based: where a finding is reported


@dataclass(frozen=True)
class CallRewrite:
    """``X.utcnow()`` -> ``X.now(<tz>)``, ``X.utcfromtimestamp(t)`` -> ``X.fromtimestamp(t, tz=<tz>)``."""

    call: Span  # the whole call
    attr: Span  # its ``X.utcnow`` part
    kind: str  # "utcnow" | "utcfromtimestamp"
    tz: str  # how UTC is spelled at this place ("timezone.utc", "dt.UTC", ...)
    naive: bool  # keeps its naive value: ``.replace(tzinfo=None)`` appended, unless ``outer_kind`` is set
    outer: Span | None = None  # ``.replace(tzinfo=...)`` / ``pytz.utc.localize(...)`` right around the call
    outer_kind: str | None = None  # "utc": the outer call goes (the new call is aware UTC); "none": it stays
    top_index: int = 0  # index of the enclosing top-level statement


@dataclass(frozen=True)
class RefRewrite:
    """``default=datetime.utcnow`` -> ``default=<helper>``."""

    attr: Span
    kind: str
    helper: str
    top_index: int = 0


@dataclass(frozen=True)
class ImportMerge:
    """Names added to an existing ``from datetime import ...`` statement."""

    node: Span  # the ImportFrom statement
    additions: tuple[tuple[str, str | None], ...]  # (name, asname)


@dataclass(frozen=True)
class Anchor:
    """A finding at a node of the input: ``before`` is where the input has it; ``{line}`` in ``message``
    is replaced by the partner's line (in the new text for the written findings, in the input for
    ``before``)."""

    span: Span
    rule: str
    message: str
    fix: str
    severity: str
    before: Place
    partner: Span | None = None
    partner_before: Place | None = None


@dataclass
class RewritePlan:
    calls: list[CallRewrite] = field(default_factory=list)
    refs: list[RefRewrite] = field(default_factory=list)
    merges: list[ImportMerge] = field(default_factory=list)
    new_imports: tuple[tuple[str, str | None], ...] | None = None  # a new module-level ``from datetime import``
    helper_imports: list[str] = field(default_factory=list)  # statements: ``from app.clock import utc_now``
    helpers: list[str] = field(default_factory=list)  # helper function definitions, as source text
    limit: int = 0  # imports and helpers go above this top-level statement (the first one rewritten)
    anchors: list[Anchor] = field(default_factory=list)
    open_groups: list[tuple] = field(default_factory=list)  # what --verify may try aware (safety.py)
