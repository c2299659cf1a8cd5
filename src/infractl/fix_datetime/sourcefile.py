"""Python source bytes <-> text without disturbing anything the rewrite does not touch.

A codemod must give back the same bytes for every line it leaves alone: the encoding named by a
PEP 263 coding cookie (decode with it, encode with it), a UTF-8 byte-order mark, CRLF or mixed
newlines, and a missing final newline. So we never open files in text mode: the bytes are decoded
as they are (``bytes.decode`` translates no newlines) and the rewritten text is encoded back the
same way. Writing goes through ``infractl.fsio.write_if_unchanged``, which keeps mode and owner.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass


class SourceDecodeError(ValueError):
    """The bytes are not text in the encoding the file declares (or the declaration is broken)."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class SourceText:
    text: str  # newlines exactly as in the file
    encoding: str  # the codec to encode the text back with (normalised name, e.g. "utf-8", "iso-8859-1")
    bom: bool  # the file starts with a UTF-8 byte-order mark


def decode_source(data: bytes) -> SourceText:
    """Decode like the Python interpreter would (BOM, coding cookie, UTF-8 default), keeping newlines."""
    from infractl.load import LoadError
    from infractl.load.pysource import decode_python

    try:
        text, encoding, bom = decode_python(data)
    except LoadError as exc:
        raise SourceDecodeError(str(exc), exc.line) from None
    return SourceText(text=text, encoding=encoding, bom=bom)


def encode_source(source: SourceText, text: str) -> bytes:
    """``text`` (a rewrite of ``source.text``) as bytes in the file's own encoding, BOM included."""
    try:
        data = text.encode(source.encoding)
    except UnicodeEncodeError as exc:
        line = text[: exc.start].count("\n") + 1
        raise SourceDecodeError(f"the rewrite cannot be encoded as {source.encoding}: {exc.reason}", line) from None
    return codecs.BOM_UTF8 + data if source.bom else data
