"""namebytes.py: the prefilter's byte tests, from a literal search for the name, against the regular
expressions they replaced (kept here as the definition): never a site dropped, never a parse skipped that
the old test would have made, and the same answer wherever the new test can tell."""

from __future__ import annotations

import random
import re

from infractl.fix_datetime.select import namebytes
from infractl.fix_datetime.select.namebytes import MAYBE, NAMES, NONE, classify

# what the prefilter searched before (its byte scan, the two plain spellings, a quoted target)
ATTRIBUTE_OR_QUOTED = re.compile(rb"\.(?:[ \t\f\r\n\\]|#[^\r\n]*)*utc(?:now|fromtimestamp)|[\"']utc(?:now|fromtimestamp)[\"']"
                                 rb"|\bdef[ \t]+utc(?:now|fromtimestamp)\b")
PLAIN_CALL = (b".utcnow(", b".utcfromtimestamp(")
PLAIN_STDLIB = (
    (re.compile(rb"(?m)^[ \t]*from[ \t]+datetime[ \t]+import[ \t(][^\n]*\bdatetime\b(?![ \t]+as\b)").search,
     re.compile(rb"(?<![\w.])datetime\.utc(?:now|fromtimestamp)\(").search),
    (re.compile(rb"(?m)^[ \t]*import[ \t]+datetime[ \t]*$").search,
     re.compile(rb"(?<![\w.])datetime\.datetime\.utc(?:now|fromtimestamp)\(").search),
)
# ...and the same spellings as references (``default=datetime.utcnow``), which are sites too
PLAIN_REFERENCES = ((PLAIN_STDLIB[0][0], re.compile(rb"(?<![\w.])datetime\.utc(?:now|fromtimestamp)\b").search),
                    (PLAIN_STDLIB[1][0], re.compile(rb"(?<![\w.])datetime\.datetime\.utc(?:now|fromtimestamp)\b").search))
# a quoted name the stub phase renames: "pkg.mod.datetime.utcnow" or "utcnow" (not the project's "app.clock.utcnow")
QUOTED_TARGET = re.compile(rb"""datetime\.utc(?:now|fromtimestamp)['"]|['"]utc(?:now|fromtimestamp)['"]""").search

PIECES = [b".", b" ", b"\t", b"\n", b"\r\n", b"\r", b"\\", b"#", b"# c", b"'", b'"', b"def", b"def ", b"x", b"x.",
          b"(", b")", b"utcnow", b"utcfromtimestamp", b"utcnowx", b"datetime", b"datetime.", b"from datetime import ",
          b"import datetime", b"as ", b" = ", b"patch(", b"app.clock."]


def _samples(count: int, seed: int = 18):
    rng = random.Random(seed)
    for _ in range(count):
        yield b"".join(rng.choice(PIECES) for _ in range(rng.randint(1, 14)))


def _name_end(match) -> int:
    """Where the name ends in a match of the old scan (a quoted one ends with its closing quote)."""
    return match.end() - 1 if match.group().endswith((b"'", b'"')) else match.end()


def _on_a_comment_line(data: bytes, match) -> bool:
    """The old scan's dot is on a line that begins with ``#``: comment text, no attribute's dot (the old scan
    could not tell; classify can)."""
    if data[match.start():match.start() + 1] != b".":
        return False
    line = max(data.rfind(b"\n", 0, match.start()), data.rfind(b"\r", 0, match.start())) + 1
    return data[line:match.start()].lstrip(b" \t\f\\")[:1] == b"#"


def _old_matches(data: bytes):
    """The old scan's matches, leftmost first, but for those from a dot on a comment line, which may hide a
    match that starts inside them (``# a.  def utcnow``): tried at every position."""
    at = 0
    while (m := ATTRIBUTE_OR_QUOTED.search(data, at)) is not None:
        if _on_a_comment_line(data, m):
            at = m.start() + 1
        else:
            yield m
            at = m.end()


def test_each_occurrence_is_what_the_old_scan_made_of_it():
    told = 0
    for data in _samples(20_000):
        old = {}
        for m in _old_matches(data):
            old.setdefault(_name_end(m), data[m.start():m.end() + 1] in PLAIN_CALL)
        kinds = {m.end(): classify(data, m.start(), m.end()) for m in NAMES(data)}
        for end, plain in old.items():  # every match of the old scan is seen, as plain or not
            assert kinds[end] != NONE and (kinds[end] == namebytes.PLAIN) <= plain, data
        # the file-level answer _only_other_receivers builds on: "every match a plain call"
        new_all_plain = all(kind in (NONE, namebytes.PLAIN) for kind in kinds.values())
        assert new_all_plain <= all(old.values()), data
        if MAYBE not in kinds.values():
            told += 1
            assert new_all_plain == all(old.values()), data
            assert (kinds.keys() - old.keys()) <= {e for e, k in kinds.items() if k != namebytes.PLAIN}, data
    assert told > 15_000


def test_the_gate_and_the_shortcuts_answer_as_the_old_regexes():
    for data in _samples(20_000, seed=7):
        old_mentions = any(True for _ in _old_matches(data))
        assert namebytes.mentions(data) or not old_mentions, data  # never a site dropped
        old_plain = any(imported(data) and called(data) for imported, called in PLAIN_STDLIB)
        references = any(imported(data) and called(data) for imported, called in PLAIN_REFERENCES)
        assert namebytes.plain_stdlib_call(data) == (old_plain or references), data  # a reference counts now
        assert namebytes.quoted_target(data) == (QUOTED_TARGET(data) is not None), data


def test_a_name_in_a_comment_or_on_its_own_line_is_no_attribute():
    data = b"x = 1  # the code calls utcnow()\n    utcnow = make()\n"
    assert [classify(data, m.start(), m.end()) for m in NAMES(data)] == [NONE, NONE]
    data = b"x = (datetime.  # why\n\n     # more\n     utcnow())\n"
    assert [classify(data, m.start(), m.end()) for m in NAMES(data)] == [namebytes.OTHER]
    data = b"x = (datetime.\n     # the clock.\n     utcnow())\n"
    assert [classify(data, m.start(), m.end()) for m in NAMES(data)] == [namebytes.OTHER]  # the dot of line 1
    data = b"    # next call: one second later.\n    utcnow.return_value = later\n"
    assert [classify(data, m.start(), m.end()) for m in NAMES(data)] == [NONE]  # a comment's dot
