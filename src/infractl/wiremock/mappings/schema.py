"""What WireMock accepts in a stub mapping, taken from its own schema.

``stub_mapping_schema.json`` is ``schemas/wiremock-stub-mapping.json`` from the WireMock 3.13.2
standalone JAR, unchanged (a test compares it with the JAR). Known keys and their JSON types come from
it; the few keys the server accepts beyond it were checked against the real server.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

SCHEMA_PATH = Path(__file__).with_name("stub_mapping_schema.json")

# Accepted by WireMock 3.13.2 but missing from its schema: recordings write "insertionIndex".
EXTRA_KEYS = {"mapping": {"insertionIndex": "integer"}, "request": {}, "response": {}}
_DEFINITION = {"mapping": "stub-mapping", "request": "request-pattern", "response": "response-definition"}


@cache
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _properties(definition: dict) -> dict:
    if "properties" in definition:
        return definition["properties"]
    merged: dict = {}
    for part in definition.get("allOf", ()):
        merged.update(part.get("properties", {}))
    return merged


@cache
def known_types(where: str) -> dict[str, str | None]:
    """Key -> JSON type ("string", "integer", "object", ...; None when the schema allows several)."""
    props = _properties(schema()["definitions"][_DEFINITION[where]])
    types: dict[str, str | None] = {}
    for key, spec in props.items():
        kind = spec.get("type")
        if kind is None and "$ref" in spec:
            kind = schema()["definitions"].get(spec["$ref"].rsplit("/", 1)[-1], {}).get("type")
        types[key] = kind if isinstance(kind, str) else None
    types.update(EXTRA_KEYS[where])
    return types


@cache
def _pattern_validator():
    import jsonschema

    document = {"$ref": "#/definitions/content-pattern", "definitions": schema()["definitions"]}
    return jsonschema.Draft4Validator(document)


@cache
def _pattern_problem(canonical: str) -> str | None:
    # Cached by the pattern's canonical text: real stub sets repeat the same matchers
    # ({"contains": "json"}) many times, and each oneOf check over 20 matcher kinds costs ~1 ms.
    error = next(iter(_pattern_validator().iter_errors(json.loads(canonical))), None)
    if error is None:
        return None
    return error.message if len(error.message) < 160 else error.message[:157] + "..."


_PY_TYPES = {"string": str, "boolean": bool, "integer": int, "number": (int, float), "object": dict, "array": list}


def _plain_types(spec: dict) -> tuple | None:
    """The Python types a property accepts through schema options that say nothing but a type
    (``oneOf: [string, {object with nested rules}]`` gives ``(str,)``); None when there are none."""
    kinds = []
    for option in spec.get("oneOf", [spec]):
        plain = not set(option) - {"type", "description", "example", "x-intellij-language-injection"}
        if plain and option.get("type") in _PY_TYPES:
            kinds.append(_PY_TYPES[option["type"]])
    return tuple(kinds) if kinds and len(set(kinds)) == len(kinds) else None


@cache
def _matchers() -> dict[str, dict[str, tuple | None]]:
    """Operator key ("equalTo") -> {property: plain types or None} for every matcher kind in the schema."""
    definitions = schema()["definitions"]
    table = {}
    for ref in definitions["content-pattern"]["oneOf"]:
        definition = definitions[ref["$ref"].rsplit("/", 1)[-1]]
        (operator,) = definition["required"]
        table[operator] = {key: _plain_types(spec) for key, spec in definition["properties"].items()}
    return table


def _plainly_valid(pattern: object) -> bool:
    """The common case decided from the same schema without running it: one operator, known modifiers,
    each of a plain type. Anything else (nesting, and/or, unknown keys) goes to the full validator."""
    if not isinstance(pattern, dict):
        return False
    matchers = _matchers()
    operators = [key for key in pattern if key in matchers]
    if len(operators) != 1:
        return False
    properties = matchers[operators[0]]
    for key, value in pattern.items():
        if key not in properties:
            return False
        kinds = properties[key]
        if kinds is None or not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            return False
    return True


def content_pattern_problem(pattern: object) -> str | None:
    """Why a matcher such as ``{"equalTo": "x"}`` breaks WireMock's schema, or None when it is valid."""
    if _plainly_valid(pattern):
        return None
    return _pattern_problem(json.dumps(pattern, sort_keys=True))
