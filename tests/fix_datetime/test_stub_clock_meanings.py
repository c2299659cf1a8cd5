"""The two judgements behind issue 16's safety item, on source alone: which stubs give utcnow and now
different meanings (stubs/clockpairs.py) and which freezegun freezes carry a tz_offset (stubs/freezers.py).
The stub cases (test_stub_cases.py) run each shape as a real project; these pin what is *not* flagged."""

from __future__ import annotations

import ast
import textwrap

import pytest

from infractl.fix_datetime.stubs.clockpairs import split_meanings
from infractl.fix_datetime.stubs.freezers import offset_freezes


def _lines(source: str) -> list[int]:
    return [line for line, _, _ in split_meanings(ast.parse(textwrap.dedent(source)))]


@pytest.mark.parametrize(("source", "lines"), [
    ("def t(m):\n    m.utcnow.return_value = A\n    m.now.return_value = B\n", [3]),
    ("def t(m):\n    m.utcnow.return_value = A\n    m.now.return_value = A\n", []),  # the same value: follows
    ("def t(m):\n    m.utcnow.return_value = A\n", []),  # only utcnow: renamed as before
    ("def t(m):\n    m.utcnow.return_value = A\n\ndef u(m):\n    m.now.side_effect = f\n", [5]),  # only now here
    ("def t(m):\n    m.now.side_effect = f\n", []),  # m is given no utcnow anywhere: not evidently a clock stub
    ("def t(m):\n    m.datetime.now = f\n    m.datetime.utcnow = g\n", [2]),
    ("def t():\n    x = Mock(utcnow=Mock(return_value=A), now=Mock(return_value=B))\n", [2]),
    ("def t():\n    x = MagicMock(**{'utcnow.return_value': A, 'now.return_value': B})\n", [2]),
    ("def t():\n    with patch.object(m, 'now', B), patch.object(m, 'utcnow', A):\n        pass\n", [2]),
    ("def t(mp, m):\n    mp.setattr(m, 'utcnow', f)\n", [2]),  # by name: never renamed
    ("def t(m):\n    for name in ('utcnow', 'now'):\n        setattr(m, name, f)\n", [3]),
    ("def t(m):\n    return getattr(m, 'utcnow')\n", [2]),
    ("def t(m):\n    return getattr(m, 'now')\n", []),  # reading now by name changes nothing
    # not stubs of the clock: an argument named now, an attribute of self, a name computed without one
    ("def t():\n    make_token(now=A, utcnow=B)\n", []),
    ("class T:\n    def setUp(self):\n        self.now = A\n", []),
    ("def t(m, name):\n    setattr(m, name, f)\n", []),
    ("def t(m, name):\n    x = 'now'\n    return getattr(m, name)\n", []),  # spells now only
    ("@patch('django.utils.timezone.now')\ndef t(now):\n    now.return_value = A\n", []),
    ("def t(mp):\n    mp.setattr(timezone, 'now', lambda: A)\n", []),
    ("def t(mp, m):\n    mp.setattr(m, 'utcnow', f)\n    mp.setattr(m, 'now', g)\n", [2, 3]),
])
def test_which_stubs_give_utcnow_and_now_different_meanings(source, lines):
    assert _lines(source) == lines


@pytest.mark.parametrize(("call", "found"), [
    ('freeze_time("2024-01-01", tz_offset=2)', "tz_offset=2"),
    ('freezegun.freeze_time("2024-01-01", -4)', "tz_offset=-4"),
    ('freeze_time("2024-01-01", tz_offset=OFFSET)', "tz_offset=OFFSET"),
    ('freeze_time("2024-01-01", tz_offset=timedelta(hours=1))', "tz_offset=timedelta(hours=1)"),
    ('pytest.mark.freeze_time("2024-01-01", tz_offset=1)', "tz_offset=1"),
    ('freeze_time(**options)', "tz_offset given through **"),
    ('freeze_time("2024-01-01")', None),
    ('freeze_time("2024-01-01", tz_offset=0)', None),
    ('freeze_time("2024-01-01", tz_offset=timedelta(0))', None),
    ('freeze_time("2024-01-01", tz_offset=timedelta(hours=0, minutes=0))', None),
    ('travel("2024-01-01", tz_offset=2)', None),  # not freezegun's
])
def test_which_freezes_carry_a_tz_offset(call, found):
    freezes = offset_freezes(ast.parse(call))
    assert [offset for _, _, offset in freezes] == ([found] if found else [])
