"""Where a fixer edits a JSON file: the string value of the ``"key": "value"`` pair a finding points at
(its line and column are the key's, as ``wiremock.mappings.positions.locate`` gives them). The edit then
replaces that string literal alone, so the rest of the file stays byte for byte."""

from __future__ import annotations

from json.decoder import scanstring

from infractl.findings import Finding
from infractl.fixes import line_offsets


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
