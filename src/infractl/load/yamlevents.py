"""YAML built straight from libyaml's parser events, in one loop: yamldocs' fast road (PosDict/PosList with
lines) and fastyaml's (kustomize's output as plain dicts and lists).

The node road (yamldocs._Converter) has PyYAML compose a node graph in Python and construct each scalar
through its constructor, ~3x what libyaml's parse costs; 113 rule files took ~80 ms of ``check``'s
monitoring area and the workflows a third of lint-ci's own work. Workflows, rule files and compose files
are plain block YAML, so this builds the same values from the events: plain scalars resolved by PyYAML's
own implicit resolvers and typed by SafeConstructor's own methods, lines from the same marks the composer
gives its nodes. It answers only for the plain case: anything else (an anchor or alias, an explicit tag, a
merge key, a collection as a key, a duplicate key, a nesting or size the node road refuses, text that is
not YAML) is None, and the node road loads the text and reports exactly what it always did.
tests/core/test_yaml_events.py compares both roads, values and lines, on every case.
"""

from __future__ import annotations

from functools import cache

from infractl.load import MAX_DEPTH

_BOOL, _INT, _FLOAT = "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
_NULL, _STR, _TIMESTAMP = "tag:yaml.org,2002:null", "tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp"
_VALUE = "tag:yaml.org,2002:value"


class _Unusual(Exception):
    """Not the plain case: the node road decides."""


class _NoKey:
    __slots__ = ()


_NO_KEY = _NoKey()


@cache
def _machinery():
    """(yaml, libyaml's parser class, the implicit resolvers by first character, the constructors), or None
    without libyaml or with a resolver for any first character (then the node road is as fast)."""
    import yaml

    parser = getattr(yaml, "CBaseLoader", None)
    resolvers = yaml.resolver.Resolver.yaml_implicit_resolvers
    if parser is None or None in resolvers:
        return None
    constructor = yaml.constructor.SafeConstructor()
    construct = {_BOOL: constructor.construct_yaml_bool, _INT: constructor.construct_yaml_int,
                 _FLOAT: constructor.construct_yaml_float, _NULL: constructor.construct_yaml_null,
                 _TIMESTAMP: constructor.construct_yaml_timestamp}
    return yaml, parser, resolvers, construct


def load_plain(text: str, budget: int, text_timestamps: bool, positions: bool = True) -> list | None:
    """Every document of ``text`` as yamldocs.load_documents gives it, or None (not the plain case).
    ``positions`` False: plain dicts and lists, without the lines (fastyaml: kustomize's output)."""
    machinery = _machinery()
    if machinery is None:
        return None
    yaml, parser_class, resolvers, construct = machinery
    parser = parser_class(text)
    try:
        return _build(parser.get_event, yaml, resolvers, construct, budget, text_timestamps, positions)
    except (_Unusual, yaml.YAMLError, RecursionError):
        return None
    finally:
        parser.dispose()


def _scalar(value: str, resolvers, construct, yaml, text_timestamps: bool):
    """A plain scalar as SafeLoader types it (Resolver.resolve, then the tag's constructor)."""
    for tag, regexp in resolvers.get(value[:1], ()):
        if regexp.match(value):
            if tag == _FLOAT:
                from infractl.load.yamldocs import SourceFloat

                number = SourceFloat(construct[_FLOAT](yaml.ScalarNode(tag, value)))
                number.text = value
                return number
            if tag == _TIMESTAMP and text_timestamps or tag == _VALUE:
                return value  # a timestamp kept as text; a plain "=" is the string (yamldocs.VALUE_TAG)
            if tag not in construct:  # the merge key: the node road's business
                raise _Unusual
            return construct[tag](yaml.ScalarNode(tag, value))
    return value


def _build(next_event, yaml, resolvers, construct, budget: int, text_timestamps: bool, positions: bool) -> list:
    from infractl.load.yamldocs import PosDict, PosList

    mapping_type, sequence_type = (PosDict, PosList) if positions else (dict, list)
    scalar_event, mapping_start, sequence_start = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
    mapping_end, sequence_end = yaml.MappingEndEvent, yaml.SequenceEndEvent
    document_end, stream_end = yaml.DocumentEndEvent, yaml.StreamEndEvent
    documents: list = []
    stack: list = []  # the collections being filled, innermost last
    keys: list = []  # beside each: a mapping's pending (key, line), or _NO_KEY
    root: list = []

    def add(value, line: int, block: bool) -> None:
        if not stack:
            root.append(value)
            return
        top = stack[-1]
        if top.__class__ is sequence_type:
            top.append(value)
            if positions:
                top.item_lines.append(line)
        elif keys[-1] is _NO_KEY:
            if value.__class__ is mapping_type or value.__class__ is sequence_type:
                raise _Unusual  # a collection as a key
            keys[-1] = (value, line)
        else:
            key, key_line = keys[-1]
            if key in top:
                raise _Unusual  # a duplicate key: the node road says where
            top[key] = value
            if positions:
                top.key_lines[key] = key_line
                top.value_lines[key] = line
                if block:
                    top.block_scalars.add(key)
            keys[-1] = _NO_KEY

    while True:
        event = next_event()
        kind = event.__class__
        if kind is scalar_event:
            if event.tag is not None or event.anchor is not None:
                raise _Unusual
            budget -= 1
            value = event.value
            if event.implicit[0]:
                value = _scalar(value, resolvers, construct, yaml, text_timestamps)
            add(value, event.start_mark.line + 1, event.style in ("|", ">"))
        elif kind is mapping_start or kind is sequence_start:
            if event.tag is not None or event.anchor is not None or len(stack) >= MAX_DEPTH:
                raise _Unusual
            budget -= 1
            collection = mapping_type() if kind is mapping_start else sequence_type()
            line = event.start_mark.line + 1
            if positions:
                collection.line = line
            add(collection, line, False)
            stack.append(collection)
            keys.append(_NO_KEY)
        elif kind is mapping_end or kind is sequence_end:
            stack.pop()
            keys.pop()
        elif kind is document_end:
            documents.append(root[0] if root else None)
            root.clear()
        elif kind is stream_end:
            return documents
        elif kind is yaml.AliasEvent:
            raise _Unusual
        if budget < 0:
            raise _Unusual  # the node road's alias-bomb bound: it says so
