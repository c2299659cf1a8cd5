"""Which test files can hold an unconditional skip: a byte search, before any parse.

Every form ``detect.find_skips`` reports spells ``skip`` as a whole word: ``@pytest.mark.skip``,
``@mark.skip``, ``@unittest.skip``, ``@skip`` (imported from unittest), ``pytestmark = ...skip...`` and
``pytest.skip(..., allow_module_level=True)`` (whitespace or a line continuation around the dots still
leaves the word whole). A file that only says ``skipif``, ``skipUnless`` or ``self.skipTest`` cannot
hold one, and parsing it is the whole cost: on Django 5.1's tests, 111 of 584 files mention "skip" and
10 have the word (2.1 MB of ``ast.parse``, ~400 ms, down to ~40 ms).
"""

from __future__ import annotations

import re

may_skip = re.compile(rb"\bskip\b").search
