"""Checks of one stub mapping: keys, types, ids, matchers, templating."""

from __future__ import annotations

import difflib
import json
import re
from functools import cache

from infractl.findings import Finding
from infractl.wiremock.mappings.loading import Stub
from infractl.wiremock.mappings.rules import RULE
from infractl.wiremock.mappings.schema import content_pattern_problem, known_types

UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_JSON_TYPES = {"string": (str,), "integer": (int,), "number": (int, float), "boolean": (bool,),
               "object": (dict,), "array": (list,)}
_PATTERN_MAPS = ("headers", "queryParameters", "cookies", "pathParameters", "formParameters")
TEMPLATE_TRANSFORMER = "response-template"


def finding(stub: Stub, keys: tuple, rule: str, message: str, fix: str = "") -> Finding:
    """A finding of the rule with id ``rule`` (at its declared severity) at ``keys`` inside the stub."""
    line, column = stub.file.locate(*stub.json_path, *keys)
    return RULE[rule].finding(stub.file.shown, line, column, message, fix)


def _type_name(value: object) -> str:
    return {bool: "boolean", int: "integer", float: "number", str: "string", list: "array",
            dict: "object", type(None): "null"}[type(value)]


def _coercible(value: object, expected: str) -> bool:
    """Jackson turns "200" into 200 and "true" into true: WireMock loads these (wrongly typed) values."""
    if not isinstance(value, str):
        return False
    if expected == "integer":
        return re.fullmatch(r"-?\d+", value.strip()) is not None
    return expected == "boolean" and value in ("true", "false")


_EXACT = {"string": {str}, "integer": {int}, "number": {int, float}, "boolean": {bool}, "object": {dict},
          "array": {list}}


@cache
def _accepted(where: str) -> dict[str, frozenset]:
    """Key -> the exact Python types that need no further look (any type, when the schema allows several)."""
    anything = frozenset({str, int, float, bool, dict, list, type(None)})
    return {key: frozenset(_EXACT[kind]) | {type(None)} if kind else anything
            for key, kind in known_types(where).items()}


def check_keys_and_types(stub: Stub, where: str, obj: dict, prefix: tuple) -> list[Finding]:
    accepted = _accepted(where)
    # The common case, decided in one pass: every key known, every value of its exact type.
    if all(type(value) in accepted.get(key, ()) for key, value in obj.items()):
        return []
    out = []
    types = known_types(where)
    label = {"mapping": "the mapping", "request": "request", "response": "response"}[where]
    for key, value in obj.items():
        if key not in types:
            close = difflib.get_close_matches(key, list(types), n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(sorted(types))}"
            out.append(finding(stub, (*prefix, key), "WM004",
                               f"unknown key {key!r} in {label}: WireMock refuses to start", hint))
            continue
        expected = types[key]
        if expected is None or value is None:
            continue
        wanted = _JSON_TYPES[expected]
        if isinstance(value, wanted) and not (expected in ("integer", "number") and isinstance(value, bool)):
            continue
        where_text = f"{label}.{key}" if where != "mapping" else key
        if _coercible(value, expected):
            out.append(finding(stub, (*prefix, key), "WM006",
                               f"{where_text} is the string {value!r}, not {'an' if expected[0] in 'ai' else 'a'} "
                               f"{expected}: WireMock converts it, other tools and readers may not",
                               f"write {value.strip()} without quotes"))
        else:
            out.append(finding(stub, (*prefix, key), "WM005",
                               f"{where_text} must be {'an' if expected[0] in 'ai' else 'a'} {expected}, not "
                               f"{_type_name(value)} {value!r}"[:200] + ": WireMock refuses to start",
                               f"give {key} a {expected} value"))
    return out


def check_ids(stub: Stub) -> list[Finding]:
    out = []
    data = stub.data
    for key in ("id", "uuid"):
        value = data.get(key)
        if isinstance(value, str) and not UUID.match(value):
            out.append(finding(stub, (key,), "WM007",
                               f"{key} {value!r} is not a UUID: WireMock 3 refuses to start",
                               "use a UUID (python -c 'import uuid; print(uuid.uuid4())') and put the "
                               "readable text in 'name'"))
    if "id" in data and "uuid" in data and data["id"] != data["uuid"]:
        out.append(finding(stub, ("uuid",), "WM008",
                           "both 'id' and 'uuid' are set: WireMock keeps only one of them",
                           "keep 'id' and remove 'uuid'"))
    return out


def stub_id(stub: Stub) -> str | None:
    value = stub.data.get("id", stub.data.get("uuid"))
    return value.lower() if isinstance(value, str) and UUID.match(value) else None


def check_matchers(stub: Stub, request: dict) -> list[Finding]:
    out = []
    places: list[tuple[tuple, object]] = []
    for key in _PATTERN_MAPS:
        if isinstance(request.get(key), dict):
            places.extend(((key, name), pattern) for name, pattern in request[key].items())
    if isinstance(request.get("bodyPatterns"), list):
        places.extend((("bodyPatterns", i), pattern) for i, pattern in enumerate(request["bodyPatterns"]))
    for keys, pattern in places:
        problem = content_pattern_problem(pattern)
        if problem:
            shown = ".".join(str(k) if isinstance(k, str) else f"[{k}]" for k in keys).replace(".[", "[")
            out.append(finding(stub, ("request", *keys), "WM017",
                               f"request.{shown} is not a WireMock matcher ({problem}): WireMock refuses to start",
                               'use one matcher object such as {"equalTo": "..."} or {"matches": "..."}'))
    return out


def uses_templating(response: dict, body_text: str | None) -> bool:
    parts = [response.get(k) for k in ("body", "jsonBody", "headers", "bodyFileName", "statusMessage")]
    # "{{" survives json.dumps unescaped, and dumping is far faster than walking the values in Python
    return "{{" in json.dumps(parts, ensure_ascii=False) or (body_text is not None and "{{" in body_text)


def check_templating(stub: Stub, response: dict, global_templating: bool, body_path: str | None) -> list[Finding]:
    from infractl.wiremock.mappings.checks_files import read_body

    transformers = response.get("transformers")
    if global_templating or (isinstance(transformers, list) and TEMPLATE_TRANSFORMER in transformers):
        return []
    if body_path is None and "{{" not in stub.file.text:  # nothing in the file can be a template
        return []
    if not uses_templating(response, read_body(body_path)):
        return []
    return [finding(stub, ("response",), "WM015",
                    "the response uses {{...}} templating but the stub has no "
                    "\"transformers\": [\"response-template\"]: it is served literally",
                    'add "transformers": ["response-template"] to the response (or start WireMock with '
                    "--global-response-templating / global_response_templating = true)")]


def check_stub(stub: Stub) -> list[Finding]:
    """Keys, types, ids and matchers of one stub (no file system access)."""
    out = check_keys_and_types(stub, "mapping", stub.data, ())
    out.extend(check_ids(stub))
    for part in ("request", "response"):
        value = stub.data.get(part)
        if isinstance(value, dict):
            out.extend(check_keys_and_types(stub, part, value, (part,)))
    request = stub.data.get("request")
    if isinstance(request, dict):
        out.extend(check_matchers(stub, request))
    return out
