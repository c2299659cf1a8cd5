"""The CST transformer: swaps only the rewritten expressions, so every other byte stays as it was."""

from __future__ import annotations

from functools import lru_cache

import libcst as cst

from infractl.fix_datetime.analyse.analysis import Site
from infractl.fix_datetime.rewrite.imports import merge_names

NO_SPACE = cst.SimpleWhitespace("")
INDENT = cst.SimpleWhitespace("    ")  # a continuation line inside brackets: any indent is valid


@lru_cache(maxsize=64)
def _parsed(text: str) -> cst.BaseExpression:
    return cst.parse_expression(text)


def expression(text: str) -> cst.BaseExpression:
    """A fresh node per use, so no node object appears twice in the tree."""
    return _parsed(text).deep_clone()


def _keyword(name: str, value: cst.BaseExpression, comma=cst.MaybeSentinel.DEFAULT) -> cst.Arg:
    return cst.Arg(
        keyword=cst.Name(name),
        value=value,
        equal=cst.AssignEqual(whitespace_before=NO_SPACE, whitespace_after=NO_SPACE),
        comma=comma,
    )


def strip_tzinfo(value: cst.BaseExpression) -> cst.Call:
    """``value`` -> ``value.replace(tzinfo=None)``; parentheses around value move to the whole."""
    inner = value.with_changes(lpar=(), rpar=())
    return cst.Call(
        func=cst.Attribute(value=inner, attr=cst.Name("replace")),
        args=[_keyword("tzinfo", cst.Name("None"))],
        lpar=value.lpar,
        rpar=value.rpar,
    )


def _has_comment(node: cst.CSTNode) -> bool:
    return "#" in cst.Module([]).code_for_node(node)


def _with_tz_argument(call: cst.Call, tz: cst.BaseExpression) -> list[cst.Arg]:
    """``(t)`` -> ``(t, tz=...)``; a multi-line ``(\n    t,\n)`` gets the new argument on its own line."""
    first = call.args[0]
    trailing = first.comma
    after_first = first.whitespace_after_arg
    if not isinstance(trailing, cst.Comma) and isinstance(after_first, cst.ParenthesizedWhitespace):
        # ``(t  # why\n)``: what followed t (a comment, the line break before ``)``) now follows tz=,
        # so the comment stays on t's line's statement and ``)`` where it was.
        opening = call.whitespace_before_args
        if isinstance(opening, cst.ParenthesizedWhitespace):
            space = opening.with_changes(first_line=cst.TrailingWhitespace(), empty_lines=())
        else:
            space = cst.SimpleWhitespace(" ")
        moved = first.with_changes(comma=cst.Comma(whitespace_after=space), whitespace_after_arg=NO_SPACE)
        return [moved, _keyword("tz", tz).with_changes(whitespace_after_arg=after_first)]
    if not isinstance(trailing, cst.Comma):
        return [first.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))), _keyword("tz", tz)]
    after, opening = trailing.whitespace_after, call.whitespace_before_args
    if isinstance(after, cst.ParenthesizedWhitespace) and isinstance(opening, cst.ParenthesizedWhitespace):
        separator = trailing.with_changes(whitespace_after=after.with_changes(last_line=opening.last_line))
        closing = trailing.with_changes(
            whitespace_after=after.with_changes(first_line=cst.TrailingWhitespace(), empty_lines=())
        )
        return [first.with_changes(comma=separator), _keyword("tz", tz, closing)]
    return [first.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))), _keyword("tz", tz, trailing)]


class Rewriter(cst.CSTTransformer):
    def __init__(
        self,
        sites: list[Site],
        helper_names: dict[str, str],
        merges: dict[cst.ImportFrom, list[tuple[str, str | None]]],
        naive: bool,
        anchors: set[cst.CSTNode],
        on_site_paths: set[cst.CSTNode],
    ) -> None:
        super().__init__()
        self.on_site_paths = on_site_paths
        self.by_call = {s.call: s for s in sites if s.call is not None}
        self.by_outer = {s.outer: s for s in sites if s.call is not None and s.outer_kind == "utc"}
        self.refs = {s.attr: helper_names[s.kind] for s in sites if s.call is None}
        self.merges = merges
        self.naive = naive
        self.anchors = anchors
        self.updated_anchors: dict[cst.CSTNode, cst.CSTNode] = {}

    def on_visit(self, node: cst.CSTNode) -> bool:
        # subtrees without a site or an import to change are kept as they are, without a visit
        return node in self.on_site_paths and super().on_visit(node)

    def on_leave(self, original_node, updated_node):
        result = super().on_leave(original_node, updated_node)
        if original_node in self.anchors:
            self.updated_anchors[original_node] = result
        return result

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        site = self.by_call.get(original_node)
        if site is not None:
            return self._rewrite_call(site, updated_node)
        if original_node in self.by_outer:
            # ``<rewritten>.replace(tzinfo=timezone.utc)`` or ``pytz.utc.localize(<rewritten>)``: the rewritten
            # call is already aware UTC (a ``.replace`` is kept when a comment sits in it: dropping it would
            # drop the comment; ``localize`` must go, it raises on an aware value)
            replace = isinstance(original_node.func, cst.Attribute) and original_node.func.attr.value == "replace"
            if replace and _comment_outside(original_node, original_node.func.value):
                return updated_node
            inner = updated_node.func.value if replace else updated_node.args[0].value
            if updated_node.lpar and not inner.lpar:
                inner = inner.with_changes(lpar=updated_node.lpar, rpar=updated_node.rpar)
            return inner
        return updated_node

    def _rewrite_call(self, site: Site, call: cst.Call) -> cst.BaseExpression:
        attr = call.func.attr.with_changes(value="now" if site.kind == "utcnow" else "fromtimestamp")
        func = call.func.with_changes(attr=attr)
        if site.kind == "utcnow":
            args = [cst.Arg(expression(site.tz))]
            opening = call.whitespace_before_args
            if isinstance(opening, cst.ParenthesizedWhitespace) and _has_comment(opening):
                # ``utcnow(  # why\n)``: keep the comment; the argument goes on the next line
                call = call.with_changes(whitespace_before_args=opening.with_changes(last_line=INDENT))
            else:
                call = call.with_changes(whitespace_before_args=NO_SPACE)  # utcnow( ) -> now(timezone.utc)
        else:
            args = _with_tz_argument(call, expression(site.tz))
        rewritten = call.with_changes(func=func, args=args)
        if (self.naive or site.naive) and site.outer_kind is None:
            return strip_tzinfo(rewritten)
        return rewritten

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.BaseExpression:
        helper = self.refs.get(original_node)
        if helper is None:
            return updated_node
        return cst.Name(helper, lpar=updated_node.lpar, rpar=updated_node.rpar)

    def leave_ImportFrom(self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom) -> cst.ImportFrom:
        additions = self.merges.get(original_node)
        return merge_names(updated_node, additions) if additions else updated_node


def _comment_outside(outer: cst.CSTNode, inner: cst.CSTNode) -> bool:
    """Whether ``outer`` holds a comment that is not inside ``inner``."""
    render = cst.Module([]).code_for_node
    return render(outer).count("#") > render(inner).count("#")


def code_with_positions(module: cst.Module, nodes: set[cst.CSTNode]) -> tuple[str, dict[cst.CSTNode, tuple[int, int]]]:
    """The module's code and the 1-based (line, column) where each of ``nodes`` starts, from one codegen."""
    generated = NodePositions(module, nodes)
    return generated.code, generated.of(nodes)


class NodePositions:
    """One code generation of ``module``: its ``code``, and where each of ``nodes`` (None: every node) starts.

    Same result as ``module.code`` plus PositionProvider, at the cost of ``module.code`` alone: only the
    token index of each node is noted during code generation; ``of`` turns them into positions.
    """

    def __init__(self, module: cst.Module, nodes: set[cst.CSTNode] | None = None) -> None:
        self._public: dict | None = None
        try:  # libcst's private code generator state: fast, but not a public API
            from libcst._nodes.internal import CodegenState

            module._codegen  # noqa: B018 - probe the private method too
        except (ImportError, AttributeError):
            self.code, self._public = code_with_positions_public(module)
            return
        marks: dict[cst.CSTNode, int] = {}

        class MarkingState(CodegenState):
            def before_codegen(self, node: cst.CSTNode) -> None:
                if nodes is None or node in nodes:
                    marks[node] = len(self.tokens)

        state = MarkingState(default_indent=module.default_indent, default_newline=module.default_newline)
        module._codegen(state)
        self._marks, self._tokens = marks, state.tokens
        self._newline = "\r" if module.default_newline == "\r" else "\n"
        self.code = "".join(state.tokens)

    def of(self, nodes) -> dict[cst.CSTNode, tuple[int, int]]:
        """(line, column), 1-based, of each of ``nodes`` in the code (None and unknown nodes left out)."""
        if self._public is not None:
            return {node: self._public[node] for node in nodes if node in self._public}
        newline, tokens = self._newline, self._tokens
        positions, line, column, done = {}, 1, 1, 0
        for index, node in sorted(((self._marks[n], n) for n in set(nodes) if n in self._marks),
                                  key=lambda mark: mark[0]):
            chunk = "".join(tokens[done:index])
            breaks = chunk.count(newline)
            if breaks:
                line += breaks
                column = len(chunk) - chunk.rfind(newline)
            else:
                column += len(chunk)
            positions[node], done = (line, column), index
        return positions


def code_with_positions_public(module: cst.Module, nodes: set[cst.CSTNode] | None = None):
    """The same through libcst's public PositionProvider: one more pass over the tree. ``nodes`` None:
    every node."""
    from libcst.metadata import MetadataWrapper, PositionProvider

    positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    wanted = positions.keys() if nodes is None else nodes
    return module.code, {node: (positions[node].start.line, positions[node].start.column + 1) for node in wanted}
