"""SQL text cut into the pieces ``sql.py`` reads: statements, comma lists, words and names.

Quotes, dollar quoting, comments and parentheses are respected as PostgreSQL's lexer respects them, so a
``;`` or ``,`` inside a string or a type's ``(10, 2)`` does not split anything.
"""

from __future__ import annotations

import re


def split_statements(sql: str) -> list[str]:
    """Split on top-level semicolons; quotes, dollar quoting and comments are respected, comments dropped."""
    statements, current, index = [], [], 0
    while index < len(sql):
        char = sql[index]
        if sql.startswith("--", index):
            end = sql.find("\n", index)
            index = len(sql) if end < 0 else end
            continue
        if sql.startswith("/*", index):
            end = sql.find("*/", index + 2)
            index = len(sql) if end < 0 else end + 2
            current.append(" ")
            continue
        dollar = re.match(r"\$(\w*)\$", sql[index:]) if char == "$" else None
        if dollar or char in "'\"":
            closing = dollar.group(0) if dollar else char
            end = sql.find(closing, index + len(closing))
            end = len(sql) if end < 0 else end + len(closing)
            current.append(sql[index:end])
            index = end
            continue
        if char == ";":
            statements.append("".join(current))
            current = []
        else:
            current.append(char)
        index += 1
    statements.append("".join(current))
    return [" ".join(s.split()) for s in statements if s.strip()]


def split_top(text: str, separator: str = ",") -> list[str]:
    """Split on separators outside parentheses and quotes."""
    parts, depth, current, quote = [], 0, [], ""
    for char in text:
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == separator and depth == 0:
            parts.append("".join(current).strip())
            current = []
            continue
        current.append(char)
    parts.append("".join(current).strip())
    return [p for p in parts if p]


def split_words(text: str) -> list[str]:
    """Words, with parenthesised groups and quoted strings kept whole (``numeric(10, 2)`` is one word)."""
    return re.findall(r"""(?:'(?:[^']|'')*'|"[^"]*"|\((?:[^()]|\([^()]*\))*\)|[^\s('"]+)+""", text)


def parenthesised(text: str) -> tuple[str, str]:
    """``(inside) rest`` -> (inside, rest); an unclosed group runs to the end."""
    depth = 0
    for index, char in enumerate(text):
        depth += char == "("
        depth -= char == ")"
        if depth == 0:
            return text[1:index], text[index + 1:]
    return text[1:], ""


def unquote(name: str) -> str:
    """An identifier as PostgreSQL stores it: a quoted one as written, any other folded to lower case."""
    name = name.strip()
    return name[1:-1] if name.startswith('"') and name.endswith('"') else name.lower()


def split_name(qualified: str) -> tuple[str, str | None]:
    """``schema.table`` -> (table, schema); ``public`` is alembic's default schema (None)."""
    parts = [unquote(p) for p in re.split(r'\s*\.\s*(?=(?:[^"]*"[^"]*")*[^"]*$)', qualified.strip())]
    schema = parts[-2] if len(parts) > 1 else None
    return parts[-1], None if schema == "public" else schema


def shorten(text: str, limit: int = 80) -> str:
    """A statement as a finding quotes it: at most ``limit`` characters."""
    return text if len(text) <= limit else text[:limit - 1] + "…"
