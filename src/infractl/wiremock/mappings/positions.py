"""Line and column of a key or value inside a JSON text, found only when a finding needs it.

The standard ``json`` module parses fast but forgets positions; a clean file never pays for this
second pass. ``locate(text, ("mappings", 3, "request", "metod"))`` walks the text along that path
and returns the 1-based line and column of the key (or of the array item).
"""

from __future__ import annotations

import json
import re
from json.decoder import scanstring

_WS = re.compile(r"[ \t\n\r]*")
_SCALAR = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null")


def line_column(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _skip(text: str, pos: int) -> int:
    return _WS.match(text, pos).end()


def _end_of_value(text: str, pos: int) -> int:
    """Offset just past the JSON value starting at ``pos`` (which is not whitespace)."""
    char = text[pos]
    if char == '"':
        return scanstring(text, pos + 1)[1]
    if char in "{[":
        close = "}" if char == "{" else "]"
        pos = _skip(text, pos + 1)
        if text[pos] == close:
            return pos + 1
        while True:
            if char == "{":
                pos = _skip(text, scanstring(text, pos + 1)[1])  # key
                pos = _skip(text, pos + 1)  # past ':'
            pos = _skip(text, _end_of_value(text, pos))
            if text[pos] == close:
                return pos + 1
            pos = _skip(text, pos + 1)  # past ','
    match = _SCALAR.match(text, pos)
    if match is None:
        raise ValueError(f"unexpected character at {pos}")
    return match.end()


def locate(text: str, path: tuple) -> tuple[int, int]:
    """(line, column) of the last element of ``path``; the deepest reachable point if the text differs."""
    pos = _skip(text, 0)
    found = pos
    try:
        for step in path:
            char = text[pos]
            if char == "{" and isinstance(step, str):
                pos = _skip(text, pos + 1)
                while text[pos] != "}":
                    key, after = scanstring(text, pos + 1)
                    key_pos = pos
                    pos = _skip(text, _skip(text, after) + 1)
                    if key == step:
                        found = key_pos
                        break
                    pos = _skip(text, _end_of_value(text, pos))
                    if text[pos] == ",":
                        pos = _skip(text, pos + 1)
                else:
                    return line_column(text, found)
            elif char == "[" and isinstance(step, int):
                pos = _skip(text, pos + 1)
                for _ in range(step):
                    pos = _skip(text, _end_of_value(text, pos))
                    pos = _skip(text, pos + 1)
                found = pos
            else:
                break
    except (IndexError, ValueError, json.JSONDecodeError):
        pass
    return line_column(text, found)
