"""Where a fixer edits a JSON file: the string value of the ``"key": "value"`` pair a finding points at
(its line and column are the key's, as ``wiremock.mappings.positions.locate`` gives them). The edit then
replaces that string literal alone, so the rest of the file stays byte for byte."""

from __future__ import annotations

import re
from json.decoder import scanstring

from infractl.findings import Finding
from infractl.fixes import line_offsets

_SCALAR = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null")


def string_value_at(text: str, finding: Finding) -> tuple[str, int, int, str] | None:
    """(key, start, end, value): ``text[start:end]`` is the value's literal, quotes included; None when
    the finding does not point at a key whose value is a string."""
    if not finding.line or not finding.column:
        return None
    offsets = line_offsets(text)
    if finding.line > len(offsets):
        return None
    start = offsets[finding.line - 1] + finding.column - 1
    if text[start:start + 1] != '"':
        return None
    try:
        key, position = scanstring(text, start + 1)
        position = _skip_space(text, position)
        if text[position:position + 1] != ":":
            return None
        value_start = _skip_space(text, position + 1)
        if text[value_start:value_start + 1] != '"':
            return None
        value, value_end = scanstring(text, value_start + 1)
    except (ValueError, IndexError):
        return None
    return key, value_start, value_end, value


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


def sibling_keys(text: str, key_start: int) -> set[str] | None:
    """The keys of the JSON object that holds the key starting at offset ``key_start`` (its opening
    quote); None when the text does not parse that far or no object key starts there."""
    found: list[set[str]] = []

    def walk(position: int) -> int:
        position = _skip_space(text, position)
        char = text[position]
        if char == "{":
            keys, owner = set(), False
            position = _skip_space(text, position + 1)
            while text[position] != "}":
                owner = owner or position == key_start
                key, position = scanstring(text, position + 1)
                keys.add(key)
                position = _skip_space(text, _skip_space(text, position) + 1)  # past ':'
                position = _skip_space(text, walk(position))
                if text[position] == ",":
                    position = _skip_space(text, position + 1)
            if owner:
                found.append(keys)
            return position + 1
        if char == "[":
            position = _skip_space(text, position + 1)
            while text[position] != "]":
                position = _skip_space(text, walk(position))
                if text[position] == ",":
                    position = _skip_space(text, position + 1)
            return position + 1
        if char == '"':
            return scanstring(text, position + 1)[1]
        return _SCALAR.match(text, position).end()  # AttributeError: not JSON here

    try:
        walk(0)
    except (IndexError, ValueError, AttributeError):
        return None
    return found[0] if found else None
