"""Load kustomize's output quickly: libyaml's C parser events, built into Python objects in one loop.

PyYAML's CSafeLoader parses in C but composes nodes and constructs objects in Python, which costs
~7x the parse itself on a few hundred objects. Kustomize's output is plain block YAML without anchors
or custom tags; this builds it straight from the parser events, resolving plain scalars with PyYAML's own
implicit resolvers and safe constructors (so values are typed exactly as SafeLoader types them), except
that timestamps stay strings, as the Kubernetes API reads them. Anything unusual (an alias, an explicit
tag) falls back to SafeLoader. tests/manifests compares both on real manifests.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from infractl.load import MAX_DEPTH, LoadError


class _Unusual(Exception):
    pass


@cache
def _machinery():
    import yaml

    resolvers = yaml.resolver.Resolver.yaml_implicit_resolvers
    constructor = yaml.constructor.SafeConstructor()
    construct = {
        "tag:yaml.org,2002:bool": constructor.construct_yaml_bool,
        "tag:yaml.org,2002:int": constructor.construct_yaml_int,
        "tag:yaml.org,2002:float": constructor.construct_yaml_float,
        "tag:yaml.org,2002:null": constructor.construct_yaml_null,
    }
    return yaml, resolvers, construct


def _plain(value: str, resolvers, construct, yaml) -> Any:
    for tag, regexp in resolvers.get(value[:1] if value else "", ()):
        if regexp.match(value):
            builder = construct.get(tag)
            if builder is None:  # timestamp (kept as text), merge key, value
                return value
            return builder(yaml.ScalarNode(tag, value))
    return value


def load_documents(text: str) -> list[Any]:
    """Every document of ``text``, as ``yaml.load_all(text, CSafeLoader)`` gives them (timestamps as str).
    LoadError for text that is not YAML, nests too deeply or expands too far."""
    yaml, resolvers, construct = _machinery()
    loader = getattr(yaml, "CBaseLoader", yaml.BaseLoader)
    try:
        return _build(yaml.parse(text, Loader=loader), yaml, resolvers, construct)
    except _Unusual:
        pass
    except yaml.YAMLError:
        pass  # yamldocs says where, in the same words as for every other YAML file
    from infractl.load.yamldocs import load_documents as load_with_positions

    return load_with_positions(text, text_timestamps=True)


def _build(events, yaml, resolvers, construct) -> list[Any]:
    documents: list[Any] = []
    stack: list[Any] = []  # containers being filled; a mapping's pending key is kept beside it
    keys: list[Any] = []
    Scalar, MappingStart, SequenceStart = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
    MappingEnd, SequenceEnd, DocumentEnd = yaml.MappingEndEvent, yaml.SequenceEndEvent, yaml.DocumentEndEvent
    root: list[Any] = []

    def add(value):
        if not stack:
            root.append(value)
            return
        top = stack[-1]
        if isinstance(top, list):
            top.append(value)
        elif keys[-1] is _NO_KEY:
            keys[-1] = value
        else:
            top[keys[-1]] = value
            keys[-1] = _NO_KEY

    for event in events:
        kind = type(event)
        if kind is Scalar:
            if event.tag not in (None, "!"):
                raise _Unusual
            add(_plain(event.value, resolvers, construct, yaml) if event.implicit[0] else event.value)
        elif kind is MappingStart or kind is SequenceStart:
            if event.anchor is not None or event.tag not in (None, "!"):
                raise _Unusual
            if len(stack) >= MAX_DEPTH:
                raise LoadError(f"nested more than {MAX_DEPTH} levels deep", event.start_mark.line + 1)
            container: Any = {} if kind is MappingStart else []
            add(container)
            stack.append(container)
            keys.append(_NO_KEY)
        elif kind is MappingEnd or kind is SequenceEnd:
            stack.pop()
            keys.pop()
        elif kind is DocumentEnd:
            documents.append(root[0] if root else None)
            root.clear()
        elif isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _Unusual
    return documents


class _NoKey:
    __slots__ = ()


_NO_KEY = _NoKey()
