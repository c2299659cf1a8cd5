"""YAML with line numbers: mappings and sequences that remember where each key and item stands.

PyYAML's composer gives every node a start mark (libyaml's parser, in C, stops at 1,000 levels); this
turns the node graph into plain dicts and lists (subclasses) carrying 1-based lines, so a checker can
point a finding at ``file:line``. The graph shares the node of an anchor among its aliases, so a
billion-laughs document is a few hundred nodes; turning it into values expands every alias. That is
bounded here, while converting: no document may expand to more nodes than its text has characters
(plus a margin), which a document without aliases cannot reach. Duplicate keys, which PyYAML silently
resolves to the last one while GitHub, Prometheus and Compose reject the file, are errors too.
"""

from __future__ import annotations

from functools import cache

TYPE_CHECKING = False  # typing costs ~2 ms of start-up (infractl check); only type checkers need Any
if TYPE_CHECKING:
    from typing import Any

from infractl.load import MAX_DEPTH, LoadError, read_text

_NODE_MARGIN = 10_000  # nodes any document may expand to, whatever its length
_MERGE = "tag:yaml.org,2002:merge"


class PosDict(dict):
    """A mapping; ``line`` is where it starts, ``key_lines[k]``/``value_lines[k]`` where k and its value do."""

    line: int = 0

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.key_lines: dict[Any, int] = {}
        self.value_lines: dict[Any, int] = {}
        self.block_scalars: set[Any] = set()  # keys whose value is a `|` or `>` block (text starts a line later)


class PosList(list):
    line: int = 0

    def __init__(self, *args) -> None:
        super().__init__(*args)
        self.item_lines: list[int] = []


class SourceFloat(float):
    """A float that remembers how it was written: ``3.10`` loads as 3.1, which is rarely what was meant."""

    text: str = ""


class YamlError(LoadError):
    """The text is not YAML: a syntax error, at its position. (What is YAML but refused here, an alias bomb,
    a duplicate key, too deep a nesting, is a plain LoadError: a tool that reports syntax errors itself,
    promtool, may not report those.)"""


# A plain ``=`` is YAML 1.1's "value key", which PyYAML resolves to a tag SafeLoader cannot construct
# ("could not determine a constructor for the tag 'tag:yaml.org,2002:value'"); YAML 1.2, Go's YAML and
# so kubectl read it as the string "=". The Prometheus operator's CRDs list it in a matchType enum
# (``- =``): kube-prometheus could not be loaded at all.
VALUE_TAG = "tag:yaml.org,2002:value"


@cache
def _loader_class(text_timestamps: bool):
    """SafeLoader (the C one where built), ``=`` a string; with timestamps kept as text for Kubernetes objects."""
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loader = type("TextTimestampsLoader" if text_timestamps else "EqualsAsTextLoader", (base,), {})
    loader.add_constructor(VALUE_TAG, yaml.constructor.SafeConstructor.construct_yaml_str)
    if text_timestamps:
        loader.add_constructor("tag:yaml.org,2002:timestamp", yaml.constructor.SafeConstructor.construct_yaml_str)
    return loader


def load_documents(text: str, text_timestamps: bool = False) -> list[Any]:
    """Every document in ``text`` as PosDict/PosList/scalars. Raises YamlError with a position."""
    from infractl.load.yamlevents import load_plain

    documents = load_plain(text, len(text) + _NODE_MARGIN, text_timestamps)  # the plain case, from events
    if documents is not None:
        return documents
    import yaml

    loader = _loader_class(text_timestamps)(text)
    converter = _Converter(loader, yaml, len(text) + _NODE_MARGIN)
    try:
        documents = []
        while loader.check_node():
            node = loader.get_node()
            documents.append(converter.convert(node, 1) if node is not None else None)
        return documents
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise YamlError(f"not valid YAML: {exc.problem or exc.context}", line, column) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"not valid YAML: {exc}") from None
    except RecursionError:  # only a nesting that MAX_DEPTH should have stopped; never the end of the run
        raise LoadError(f"nested more than {MAX_DEPTH} levels deep") from None
    finally:
        loader.dispose()


def load_file_documents(path) -> list[Any]:
    """``load_documents`` of the file; LoadError when it cannot be read (the message says why)."""
    try:
        text = read_text(path)
    except OSError as exc:
        raise LoadError(f"cannot be read: {exc.strerror}") from None
    return load_documents(text)


class _Converter:
    def __init__(self, loader, yaml, budget: int) -> None:
        self.loader, self.budget = loader, budget
        self.mapping_node, self.sequence_node, self.scalar_node = yaml.MappingNode, yaml.SequenceNode, yaml.ScalarNode

    def convert(self, node, depth: int) -> Any:
        self.budget -= 1
        if self.budget < 0:
            raise LoadError("aliases expand to far more nodes than the text holds (a billion-laughs "
                            "document?): not expanded", node.start_mark.line + 1)
        if isinstance(node, self.scalar_node):
            value = self.loader.construct_object(node, deep=True)
            if isinstance(value, float):
                value = SourceFloat(value)
                value.text = node.value
            return value
        if depth > MAX_DEPTH:
            raise LoadError(f"nested more than {MAX_DEPTH} levels deep", node.start_mark.line + 1)
        if isinstance(node, self.mapping_node):
            return self._mapping(node, depth)
        result = PosList()
        result.line = node.start_mark.line + 1
        for item in node.value:
            result.append(self.convert(item, depth + 1))
            result.item_lines.append(item.start_mark.line + 1)
        return result

    def _mapping(self, node, depth: int) -> PosDict:
        result = PosDict()
        result.line = node.start_mark.line + 1
        merged: list[PosDict] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:  # <<: *anchor, or a list of them; earlier ones and own keys win
                sources = value_node.value if isinstance(value_node, self.sequence_node) else [value_node]
                for source in sources:
                    if not isinstance(source, self.mapping_node):
                        raise YamlError("not valid YAML: a merge key (<<) takes a mapping or a list of mappings",
                                        source.start_mark.line + 1)
                    merged.append(self._mapping(source, depth + 1))
                continue
            key = self.convert(key_node, depth + 1)
            if isinstance(key, (PosDict, PosList)):
                key = str(key)
            line = key_node.start_mark.line + 1
            if key in result.key_lines:
                raise LoadError(f"duplicate key {key!r} (first at line {result.key_lines[key]}): "
                                "which one counts depends on the reader", line, key_node.start_mark.column + 1)
            result[key] = self.convert(value_node, depth + 1)
            result.key_lines[key] = line
            result.value_lines[key] = value_node.start_mark.line + 1
            if isinstance(value_node, self.scalar_node) and value_node.style in ("|", ">"):
                result.block_scalars.add(key)
        for source in merged:
            for key, value in source.items():
                if key not in result:
                    result[key] = value
                    result.key_lines[key] = source.key_lines[key]
                    result.value_lines[key] = source.value_lines[key]
                    if key in source.block_scalars:
                        result.block_scalars.add(key)
        return result
