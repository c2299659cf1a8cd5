"""Substitution for the static reader: a helper's arguments for its parameters, a loop's values for its
variable. libcst nodes are immutable, so this builds new nodes and remembers which source node each came
from (for line numbers)."""

from __future__ import annotations

from typing import Any


def bind_arguments(function, call) -> dict[str, Any]:
    """Parameter name -> argument node for a call of ``function`` (defaults for what is not passed)."""
    from infractl.verify_db.migration_exprs import split_args

    params = function.params
    names = [p for p in (*params.posonly_params, *params.params)]
    positional, keywords = split_args(call)
    bound: dict[str, Any] = {}
    for index, param in enumerate(names):
        name = param.name.value
        if index < len(positional):
            bound[name] = positional[index]
        elif name in keywords:
            bound[name] = keywords[name]
        elif param.default is not None:
            bound[name] = param.default
    for param in params.kwonly_params:
        if param.name.value in keywords:
            bound[param.name.value] = keywords[param.name.value]
        elif param.default is not None:
            bound[param.name.value] = param.default
    return bound


_ORIGIN: dict = {}  # substituted node -> the node it was made from (for source lines)


def origin(node):
    return _ORIGIN.get(node, node)


def substitute(node, names: dict[str, Any]):
    """``node`` with every ``Name`` in ``names`` replaced by its node (attribute names and keywords kept)."""
    import libcst as cst

    if not names:
        return node

    class Substitute(cst.CSTTransformer):
        def leave_Name(self, original, updated):
            return names.get(original.value, updated)

        def leave_Attribute(self, original, updated):
            return updated.with_changes(attr=original.attr)

        def leave_Arg(self, original, updated):
            return updated.with_changes(keyword=original.keyword)

        def on_leave(self, original, updated):
            result = super().on_leave(original, updated)
            if result is not original and isinstance(result, cst.CSTNode):
                _ORIGIN[result] = origin(original)
            return result

    return node.visit(Substitute())
