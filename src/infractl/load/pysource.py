"""Python source: decoded as the interpreter decodes it (BOM, PEP 263 coding cookie, UTF-8 default), and
bounded in size (``MAX_SOURCE_BYTES``) before anything parses it."""

from __future__ import annotations

import codecs
import io
import tokenize

from infractl.load import LoadError, read_bytes

MAX_SOURCE_BYTES = 4 * 1024 * 1024


def decode_python(data: bytes) -> tuple[str, str, bool]:
    """(text, codec to encode it back with, whether a UTF-8 BOM led it); newlines kept as they are.
    LoadError (with the line) when the cookie is broken or the bytes are not text in its encoding."""
    try:
        # The interpreter's own rules for the cookie on line 1 or 2, and for BOM/cookie conflicts.
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        raise LoadError(str(exc), getattr(exc, "lineno", None) or 1) from None
    bom = encoding == "utf-8-sig"
    body = data[len(codecs.BOM_UTF8):] if bom else data
    if bom:
        encoding = "utf-8"
    try:
        return body.decode(encoding), encoding, bom
    except UnicodeDecodeError as exc:
        line = body[: exc.start].count(b"\n") + 1
        raise LoadError(f"cannot decode as {encoding}: {exc.reason}", line) from None


def read_python(path) -> str:
    """The text of a Python file, decoded by its own coding cookie; OSError, or LoadError."""
    return decode_python(read_bytes(path, MAX_SOURCE_BYTES))[0]
