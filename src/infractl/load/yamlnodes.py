"""YAML nodes with exact character positions, for the fixers that edit YAML by position.

``yamldocs`` gives values and lines (what the rules need); a fix needs where each key and value starts
and ends in the text, so that it replaces only those characters and every other byte (comments, key
order, quoting, indentation, line endings) stays. PyYAML's pure-Python composer gives every node a start
and end mark whose ``index`` counts characters of the text it was given (libyaml's marks count bytes),
so it is the one used here; only fixing pays for it. The text has already been loaded by the rule
that made the finding (size, depth and aliases bounded there); the composer expands no alias.
"""

from __future__ import annotations


class NotEditable(ValueError):
    """The text does not compose (it changed since it was checked): nothing here is fixed."""


def compose_documents(text: str) -> list:
    """Every document's root node (None for an empty document)."""
    import yaml

    try:
        return list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError as exc:
        raise NotEditable(str(exc)) from None


def is_mapping(node) -> bool:
    import yaml

    return isinstance(node, yaml.MappingNode)


def is_sequence(node) -> bool:
    import yaml

    return isinstance(node, yaml.SequenceNode)


def is_scalar(node) -> bool:
    import yaml

    return isinstance(node, yaml.ScalarNode)


def entry(node, key: str):
    """``(key node, value node)`` of ``key`` in a mapping node, or None."""
    if not is_mapping(node):
        return None
    for key_node, value_node in node.value:
        if is_scalar(key_node) and key_node.value == key:
            return key_node, value_node
    return None


def value(node, *keys):
    """The node at the key path (strings for mappings, ints for sequences), or None."""
    for key in keys:
        if isinstance(key, int):
            if not is_sequence(node) or key >= len(node.value):
                return None
            node = node.value[key]
        else:
            found = entry(node, key)
            if found is None:
                return None
            node = found[1]
    return node


def last_leaf_end(node) -> int:
    """Where the text of ``node`` really ends: a block collection's end mark lies at the next token
    (after comments and blank lines), so descend to its last scalar or flow collection."""
    while not is_scalar(node) and not node.flow_style and node.value:
        last = node.value[-1]
        node = last[1] if is_mapping(node) else last
    return node.end_mark.index


def line_start(text: str, index: int) -> int:
    return text.rfind("\n", 0, index) + 1


def line_end(text: str, index: int) -> int:
    """The index just after the line break of the line holding ``index`` (or the end of the text)."""
    found = text.find("\n", index)
    return len(text) if found < 0 else found + 1


def newline_of(text: str) -> str:
    """The file's line break: ``\\r\\n`` when its first line ends so, else ``\\n``."""
    first = text.find("\n")
    return "\r\n" if first > 0 and text[first - 1] == "\r" else "\n"


def quote_style(documents: list) -> str:
    """The quote the file uses most for its quoted scalars (``'`` when none or a tie)."""
    counts = {"'": 0, '"': 0}
    pending, seen = [node for node in documents if node is not None], set()
    while pending:
        node = pending.pop()
        if id(node) in seen:  # an alias shares its anchor's node: each is counted once
            continue
        seen.add(id(node))
        if is_scalar(node):
            if node.style in counts:
                counts[node.style] += 1
        elif is_mapping(node):
            pending.extend(part for pair in node.value for part in pair)
        else:
            pending.extend(node.value)
    return '"' if counts['"'] > counts["'"] else "'"
