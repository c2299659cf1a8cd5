"""JSON and TOML, loaded with bounds: a nesting that would end the run in RecursionError, or a
configuration that is a device (``--config /dev/zero``), is a LoadError instead."""

from __future__ import annotations

TYPE_CHECKING = False  # typing costs ~2 ms of start-up (infractl check); only type checkers need Any
if TYPE_CHECKING:
    from typing import Any

from infractl.load import MAX_DEPTH, LoadError, decode_utf8, read_bytes

MAX_CONFIG_BYTES = 4 * 1024 * 1024  # a pyproject.toml is a few KB


def _too_deep() -> LoadError:
    return LoadError(f"nested more than {MAX_DEPTH} levels deep")


def load_json(text: str) -> Any:
    """orjson (several times faster on thousands of files) when installed; the standard library's message,
    with its line and column, for text that does not parse. What only orjson rejects (NaN, Infinity, which
    WireMock's parser rejects too) keeps orjson's message. LoadError for either."""
    try:
        import orjson
    except ImportError:  # pragma: no cover - orjson is a dependency; the standard library still works
        orjson = None
    if orjson is not None:
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError as fast_error:
            _standard_json(text)  # raises the standard library's error for the same text
            raise LoadError(fast_error.msg, fast_error.lineno, fast_error.colno) from None
    return _standard_json(text)


def _standard_json(text: str) -> Any:
    import json  # only without orjson, or for its error message: ~3 ms off every start that reads a config

    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise LoadError(exc.msg, exc.lineno, exc.colno) from None
    except RecursionError:  # the C decoder stops at Python's recursion limit; orjson at 1,024 levels
        raise _too_deep() from None


def load_toml(path, limit: int = MAX_CONFIG_BYTES) -> dict[str, Any]:
    """The TOML document of the regular file ``path`` (OSError as ``open`` raises it). LoadError for a file
    that is not a regular one, too big, not UTF-8, not TOML, or nested deeper than MAX_DEPTH."""
    import tomllib  # here: a repository without configuration does not pay for the TOML parser

    text = decode_utf8(read_bytes(path, limit))
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LoadError(f"invalid TOML: {exc}") from None
    except RecursionError:  # tomllib reads nested arrays and inline tables recursively
        raise _too_deep() from None
    _check_depth(document)
    return document


def _check_depth(document: Any) -> None:
    """``[a.b.c...]`` nests without recursion in the parser, but code reading the tables may recurse."""
    pending = [(document, 1)]
    while pending:
        value, depth = pending.pop()
        if depth > MAX_DEPTH:
            raise _too_deep()
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
        pending.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
