"""Where each ``utcnow``/``utcfromtimestamp`` of a file's bytes stands, found from the name itself.

The prefilter's byte tests were regular expressions that begin with an alternation or a look-behind
(``\\.(...)utcnow|["']utcnow["']|\\bdef utcnow``, ``(?<![\\w.])datetime\\.utcnow\\(``, ``(?m)^[ \\t]*from``): the
regex engine has no literal to look for first, so it tries a match at every byte. On a real tree with hits
(google-auth 2.17.3) they cost ~45 ms of a ~240 ms run. Here every test starts from a literal search
(``utc``, ``datetime.utc``, ``from``, ``import``), which the engine scans for as fast as ``bytes.find``,
and looks at the few bytes around each hit.

``classify`` tells, for one occurrence of a name, what ``prefilter``'s byte scan (an attribute ``.name``
with only whitespace, backslash-newlines or comments between the dot and the name; the name quoted;
``def name``) makes of it. Where the bytes before the name could hold a comment, it answers MAYBE: the
callers treat that as a match that is no plain call, so a doubt costs a parse, never a missed site.
"""

from __future__ import annotations

import re

NAMES = re.compile(rb"utc(?:now|fromtimestamp)").finditer
NONE, PLAIN, OTHER, MAYBE = 0, 1, 2, 3  # no match of the byte scan; ``.name(``; another match; cannot tell

_QUOTES = (b"'", b'"')
_LINES_UP = 32  # blank or comment-only lines looked through, up from the name
WORD = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")  # ``\w`` of a bytes pattern
_WORD_BYTES = frozenset(bytes([byte]) for byte in WORD)


def classify(data: bytes, start: int, end: int) -> int:
    """What the byte scan makes of the name at ``data[start:end]``."""
    before = data[start - 1:start] if start else b""
    if before == b".":
        line = max(data.rfind(b"\n", 0, start), data.rfind(b"\r", 0, start)) + 1
        if b"#" in data[line:start]:
            return MAYBE  # an earlier dot may reach the name through the comment (``x.  # y.utcnow(``)
        return PLAIN if data[end:end + 1] == b"(" else OTHER
    if before in _QUOTES and data[end:end + 1] in _QUOTES:
        return OTHER  # ``"utcnow"``: a stub's attribute name
    at = start
    while at and data[at - 1] in b" \t":
        at -= 1
    if (at < start and at >= 3 and data[at - 3:at] == b"def" and (at == 3 or data[at - 4] not in WORD)
            and data[end:end + 1] not in _WORD_BYTES):
        return OTHER  # ``def utcnow`` (``\bdef[ \t]+utcnow\b``)
    return _after_dot(data, start)


def _after_dot(data: bytes, start: int) -> int:
    r"""OTHER when some ``.`` before ``start`` has only whitespace and comments between it and ``start``
    (``x .utcnow``, ``x.\<newline> utcnow``, ``x.  # why<newline> utcnow``), NONE when none has, MAYBE when it
    is too far up to tell. Line by line upwards: a comment runs to its line's end, so on each line the
    question is whether a dot there is followed by blanks and then the end or a ``#``."""
    end = start
    for _ in range(_LINES_UP):
        line = max(data.rfind(b"\n", 0, end), data.rfind(b"\r", 0, end)) + 1
        text = data[line:end]
        rest = text.lstrip(b" \t\f\\")
        # a line that begins with ``#`` is a comment (or string text): no dot on it is an attribute's, e.g.
        # google-auth's "# Next call should simulate 1 second passed." above ``utcnow.return_value = ...``
        dot = text.find(b".") if rest[:1] != b"#" else -1
        while dot != -1:
            after = text[dot + 1:].lstrip(b" \t\f\\")
            if not after or after[:1] == b"#":
                return OTHER
            dot = text.find(b".", dot + 1)
        if rest and rest[:1] != b"#" or not line:
            return NONE  # code with no such dot, or the file's start: no dot can reach the name
        end = line - 1  # a blank or comment-only line (or the name's line up to it): the line above
    return MAYBE


def mentions(data: bytes) -> bool:
    """Whether the byte scan matches anywhere (MAYBE counts: this is a gate that may let too much through)."""
    return any(classify(data, m.start(), m.end()) for m in NAMES(data))


# ``.utcnow``/``.utcfromtimestamp`` on ``datetime`` or ``datetime.datetime`` (not on ``x.datetime``): a call,
# or a reference (``default=datetime.utcnow``), which is a site too
_CALLED = re.compile(rb"datetime\.utc(?:now|fromtimestamp)\b").finditer
_CALLED_QUALIFIED = re.compile(rb"datetime\.datetime\.utc(?:now|fromtimestamp)\b").finditer
_FROM_IMPORT = re.compile(rb"from[ \t]+datetime[ \t]+import[ \t(][^\n]*\bdatetime\b(?![ \t]+as\b)").finditer
_IMPORT = re.compile(rb"(?m)import[ \t]+datetime[ \t]*$").finditer
_QUOTED = re.compile(rb"utc(?:now|fromtimestamp)['\"]").finditer


def _unqualified(data: bytes, matches) -> bool:
    """A match not preceded by a name character or a dot (``(?<![\\w.])``)."""
    return any(not m.start() or data[m.start() - 1] not in WORD and data[m.start() - 1] != 0x2E for m in matches)


def _at_line_start(data: bytes, matches) -> bool:
    """A match with only blanks before it on its line (``(?m)^[ \\t]*``)."""
    for m in matches:
        line = data.rfind(b"\n", 0, m.start()) + 1
        if not data[line:m.start()].strip(b" \t"):
            return True
    return False


def plain_stdlib_call(data: bytes) -> bool:
    """``from datetime import datetime`` with ``datetime.utcnow``, or ``import datetime`` with
    ``datetime.datetime.utcnow``: one of the two plain spellings of a stdlib site (a call or a reference),
    under its import."""
    if b"datetime.utc" not in data:
        return False
    return ((_at_line_start(data, _FROM_IMPORT(data)) and _unqualified(data, _CALLED(data)))
            or (_at_line_start(data, _IMPORT(data)) and _unqualified(data, _CALLED_QUALIFIED(data))))


def quoted_target(data: bytes) -> bool:
    """A stub's target named in a string, in a form the stub phase renames: ``"utcnow"`` (``patch.object(m,
    "utcnow")``, ``setattr(fake, "utcnow", ...)``) or ``"pkg.mod.datetime.utcnow"`` (a quote after the name,
    a quote or ``datetime.`` before it). ``"app.clock.utcnow"`` names the project's own helper: no site, no
    stub of the standard library's clock (``quoted_helper``)."""
    return any(m.start() and (data[m.start() - 1:m.start()] in _QUOTES or data.endswith(b"datetime.", 0, m.start()))
               for m in _QUOTED(data))


def quoted_helper(data: bytes, start: int, end: int) -> bool:
    """The name at ``data[start:end]`` ends a quoted dotted name whose last part but one is not ``datetime``
    (``"app.clock.utcnow"``): text inside a string (a name directly followed by a quote is no code), which
    names no method of the ``datetime`` class."""
    return (data[start - 1:start] == b"." and data[end:end + 1] in _QUOTES
            and not data.endswith(b"datetime.", 0, start))
