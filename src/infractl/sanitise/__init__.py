"""The last step before any output: every text a finding carries is made safe to print, whatever it came
from (a file name, a YAML value, a tool's stderr, a database error).

One rule for every format (table, plain, JSON, SARIF, GitHub annotations), applied once, in
``render.print_report``, so no command can forget it:

- control characters in finding text are written as escapes (``\\x1b``, ``\\n``, ``\\x00``, ``\\x9b``,
  ``\\u202e``), so nothing raw reaches a terminal or a log, and no field can start a new line. JSON gets
  the escaped text too: a consumer that prints ``.message`` (``jq -r``) must be as safe as our own output, and a file
  name holding an escape sequence is an attack or an accident, not something to hand on intact;
- secrets are masked (``masking.mask_text``: URL passwords, ``password=``, literals remembered from the
  command line; ``masking.mask_secret_pairs``: values of secret-looking names), after escaping, so a
  secret split by a control character is still one token;
- ``::`` that starts a word is written ``\\::``: GitHub runs a log line that starts with ``::`` (after
  any whitespace) as a workflow command, and a word can land at a line's start wherever text is
  wrapped. Backslashes themselves are left alone (Windows paths, regexes), so the escaping is for
  reading, not for reversing.

A report's summary and extra keys are data only JSON carries (a unified diff): they are masked, and
their control characters escaped but for line breaks and tabs, which are content there and which JSON
escapes itself.
"""

from __future__ import annotations

import re

from infractl.findings import Finding
from infractl.sanitise.masking import LazyPattern, mask_secret_pairs, mask_text, remembered

# C0 (with TAB, LF, CR, ESC, BEL, NUL), DEL, C1 (0x9b is a one-byte CSI), the Unicode line and paragraph
# separators, the bidirectional controls that make a terminal show text in another order (Unicode's
# Bidi_Control set, U+061C included), and lone surrogates: a file name that is not UTF-8 arrives as one
# (surrogateescape), and printing it raises UnicodeEncodeError wherever stdout is strict UTF-8.
_BIDI_AND_SURROGATES = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_CONTROL = LazyPattern(f"[\x00-\x1f\x7f-\x9f\u2028\u2029{_BIDI_AND_SURROGATES}]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# '::' at the start of the text or after whitespace (Unicode whitespace too: the runner trims it).
_WORKFLOW_COMMAND = LazyPattern(r"(?<!\S)::")


def _escape_one(match: re.Match) -> str:
    char = match.group()
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # surrogateescape's stand-in for the byte that was not UTF-8
        code -= 0xDC00
    return _NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


# In data (a diff in JSON) line breaks and tabs are content; every other control character is escaped.
_CONTROL_BUT_LINES = LazyPattern(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI_AND_SURROGATES}]")


def escape_controls(text: str, keep_lines: bool = False) -> str:
    """Every control character as a visible escape (but LF, CR and TAB with ``keep_lines``); printable
    text is returned as it is."""
    if text.isascii() and text.isprintable():  # the common case, without a regex scan
        return text
    return (_CONTROL_BUT_LINES if keep_lines else _CONTROL).sub(_escape_one, text)


def error_text(text: str) -> str:
    """infractl's own one-line error (guard.error_line): escaped, URL and ``password=`` secrets masked,
    unable to start a workflow command. Names such as ``WEBHOOK_SECRET: ...`` are infractl's own words
    there, not values, so the name-based masking of findings is not applied."""
    text = mask_text(escape_controls(text))
    return _WORKFLOW_COMMAND.sub(r"\\::", text) if "::" in text else text


def sanitise_text(text: str) -> str:
    """Escaped, masked, and unable to start a GitHub workflow command."""
    cache = _SANITISED[1] if _SANITISED[0] is remembered() else _fresh_cache()
    done = cache.get(text)
    if done is None:
        done = mask_secret_pairs(mask_text(escape_controls(text)))
        done = _WORKFLOW_COMMAND.sub(r"\\::", done) if "::" in done else done
        if len(text) <= _CACHED_UP_TO and len(cache) < _CACHED_TEXTS:
            cache[text] = done
    return done


# Findings repeat their texts: a rule id, a path, one message and one fix for many objects (230 monitoring
# findings: 310 distinct texts in 1,392 fields; sanitising each field was ~12 ms of such a run). Each
# text is sanitised once per set of remembered secrets: a secret learnt later starts a new cache.
_CACHED_UP_TO = 2048
_CACHED_TEXTS = 50_000
_SANITISED: list = [None, {}]  # (the remembered secrets it was made under, text -> sanitised text)


def _fresh_cache() -> dict[str, str]:
    _SANITISED[:] = [remembered(), {}]
    return _SANITISED[1]


def sanitise_path(path: str) -> str:
    """A path as ``sanitise_text`` makes it; and as a location starts ``path:``, a path that is only ':'
    (a legal file name) is written ``\\:``, or the line would start with '::'."""
    text = sanitise_text(path)
    return text.replace(":", "\\:", 1) if text.lstrip() == ":" else text


def sanitise_finding(finding: Finding) -> Finding:
    return finding._replace(path=sanitise_path(finding.path), rule=sanitise_text(finding.rule),
                            message=sanitise_text(finding.message), fix=sanitise_text(finding.fix),
                            logical_name=sanitise_text(finding.logical_name),
                            logical_kind=sanitise_text(finding.logical_kind))


def sanitise_value(value):
    """Every string inside JSON-shaped data (a report's summary and extra keys, keys included) masked,
    with its control characters escaped but for line breaks and tabs: this is data that only JSON
    carries (a unified diff must stay a diff), and JSON escapes those itself. Numbers, booleans and None
    as they are; anything else (a Path) as its ``str``, which is what JSON would have printed."""
    if isinstance(value, str):
        return mask_secret_pairs(mask_text(escape_controls(value, keep_lines=True)))
    if isinstance(value, dict):
        return {sanitise_value(key): sanitise_value(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [sanitise_value(item) for item in value]
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return sanitise_value(str(value))
