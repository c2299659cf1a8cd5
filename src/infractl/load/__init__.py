"""Safe loading of the files infractl reads: one place that bounds what a hostile or broken input can cost.

Every loader here (YAML with positions in ``yamldocs``, kustomize's output in ``fastyaml``, JSON and TOML
in ``data``, Python source in ``pysource``) raises ``LoadError`` for an input it will not load: too big,
not a regular file, not text in its encoding, nested too deeply, an alias bomb, a duplicate key. The
caller turns it into a finding on that file (or, for the configuration, a one-line exit 2), so one bad
file never ends a run nor eats the machine.
"""

from __future__ import annotations

import os
import stat

# Generous for real files (a rendered chart, a dashboard, a 2,000-stub mapping file are far below),
# small enough that reading one costs little memory.
MAX_FILE_BYTES = 32 * 1024 * 1024
# Real configuration, workflows, alert rules and dashboards nest tens of levels; code that walks them
# recursively (schema validation, the rules) must stay far from Python's recursion limit.
MAX_DEPTH = 200


class LoadError(Exception):
    """An input that was not loaded: ``line``/``column`` (1-based) where known. The message names no file."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.line, self.column = line, column


def read_bytes(path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them. OSError as ``open`` raises it;
    LoadError for a device, a FIFO or a directory (``/dev/zero`` never ends) or a file over ``limit``."""
    with open(path, "rb") as handle:
        mode = os.fstat(handle.fileno()).st_mode
        if not stat.S_ISREG(mode):
            raise LoadError("not a regular file")
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise LoadError(f"larger than {limit // (1024 * 1024)} MB: not read")
    return data


def decode_utf8(data: bytes) -> str:
    """``data`` as UTF-8 text (a byte-order mark dropped); LoadError at the line of the first bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - data.rfind(b"\n", 0, exc.start)
        raise LoadError(f"not UTF-8 text (byte 0x{data[exc.start]:02x}): {exc.reason}", line, column) from None


def read_text(path, limit: int = MAX_FILE_BYTES) -> str:
    """``read_bytes`` decoded as UTF-8."""
    return decode_utf8(read_bytes(path, limit))
