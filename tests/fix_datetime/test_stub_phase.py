"""The clock-stub phase on ``ast`` and text edits (stubs/phase.py, stubs/renames.py): which stubs are
renamed, which are kept, the DT010/DT011/DT107 findings at their places in the input, and the renamed
text (only the renamed names change, plus ``.replace(tzinfo=None)`` after a test's own call when the code
stays naive)."""

from __future__ import annotations

import ast
import subprocess
import sys

from infractl.fix_datetime.stubs.phase import stub_phase
from infractl.fix_datetime.stubs.verdict import StubVerdict

NOW_STUB = "deprecated datetime.utcnow: a clock stub of utcnow() becomes a stub of now()"
FROMTIMESTAMP_STUB = ("deprecated datetime.utcfromtimestamp: a clock stub of utcfromtimestamp() becomes a stub "
                      "of fromtimestamp()")
CANNOT = "a test stubs datetime.utcnow in a way fix-datetime cannot rewrite to stub now()"


def run(code: str, mode: str = "auto", held: frozenset[str] = frozenset(), verdict=None):
    return stub_phase(code, ast.parse(code), mode, held, verdict)


def found(findings) -> list[tuple[int, int, str, str]]:
    return [(h.line, h.column, h.rule, h.message) for h in findings]


def test_a_file_without_stubs_is_nothing_to_do():
    assert run("from unittest.mock import patch\n\nwith patch('app.clock.time') as m:\n    m.utcnow()\n") is None


def test_a_patch_target_string_is_renamed_in_place():
    code = ('from unittest import mock\n\n\n@mock.patch("app.clock.datetime.utcnow")\n'
            "@mock.patch('app.clock.datetime.utcfromtimestamp', new=fake)\ndef test(m):\n    pass\n")
    new, renamed, findings = run(code)
    assert new == code.replace("datetime.utcnow", "datetime.now").replace(
        "datetime.utcfromtimestamp", "datetime.fromtimestamp")
    assert renamed == 2
    assert found(findings) == [(4, 13, "DT010", NOW_STUB), (5, 13, "DT011", FROMTIMESTAMP_STUB)]
    assert all(h.before == (h.line, h.column) and h.before_message == h.message for h in findings)


def test_strings_that_are_not_one_plain_literal_stay():
    code = ('from unittest.mock import patch\n\npatch("app.clock" ".datetime.utcnow")\n'
            'patch(r"app.clock.datetime.utcnow")\npatch(f"app.clock.datetime.utcnow")\n')
    assert run(code) is None


def test_a_decorator_mock_of_datetime_renames_its_uses():
    code = ('from unittest.mock import patch\n\n\n@patch("app.clock.datetime")\ndef test_stamp(mock_dt):\n'
            "    mock_dt.utcnow.return_value = FIXED\n"
            "    assert stamp() == mock_dt.utcnow()\n"
            "    mock_dt.utcfromtimestamp.side_effect = [FIXED]\n")
    new, renamed, findings = run(code)
    assert new.splitlines()[5:] == [
        "    mock_dt.now.return_value = FIXED",
        # the code keeps naive values (auto mode): the test's own call asks for what the code gets
        "    assert stamp() == mock_dt.now().replace(tzinfo=None)",
        "    mock_dt.fromtimestamp.side_effect = [FIXED]",
    ]
    assert new.splitlines()[:5] == code.splitlines()[:5]
    assert renamed == 3
    assert found(findings) == [(6, 5, "DT010", NOW_STUB), (7, 23, "DT010", NOW_STUB),
                               (8, 5, "DT011", FROMTIMESTAMP_STUB)]
    aware = run(code, "aware")[0]
    assert "mock_dt.now()\n" in aware and "replace" not in aware


def test_places_are_characters_not_utf8_bytes():
    code = 'from unittest.mock import patch\n\nwith patch("app.datetime") as m:\n    x = "ü€"; m.utcnow()\n'
    new, _, findings = run(code)
    assert new.endswith('x = "ü€"; m.now().replace(tzinfo=None)\n')
    assert found(findings) == [(4, 15, "DT010", NOW_STUB)]


def test_a_mock_started_from_a_patcher_kept_on_self():
    code = ('from unittest.mock import patch\n\n\nclass T:\n    def setUp(self):\n'
            '        self.patcher = patch("app.clock.datetime")\n        self.clock = self.patcher.start()\n\n'
            "    def test(self):\n        self.clock.utcnow.return_value = 1\n")
    new, renamed, _ = run(code, "aware")
    assert new == code.replace("clock.utcnow", "clock.now") and renamed == 1


def test_a_noqa_comment_keeps_its_stub_and_says_nothing():
    code = ('from unittest.mock import patch\n\nwith patch("app.datetime") as m:\n'
            "    m.utcnow.return_value = 1  # noqa: DT010\n    m.utcfromtimestamp.return_value = 2\n")
    new, renamed, findings = run(code, "aware")
    assert new == code.replace("m.utcfromtimestamp", "m.fromtimestamp")
    assert renamed == 1
    assert found(findings) == [(5, 5, "DT011", FROMTIMESTAMP_STUB)]


def test_a_rule_not_selected_is_not_fixed():
    code = 'from unittest.mock import patch\n\nwith patch("app.datetime") as m:\n    m.utcnow.return_value = 1\n'
    assert run(code, held=frozenset({"DT010"})) == (code, 0, [])


def test_a_stub_held_by_another_file_keeps_every_stub_with_dt107():
    code = ('from unittest.mock import patch\n\nwith patch("app.datetime") as m:\n'
            "    m.utcnow.return_value = 1\n    m.utcfromtimestamp.return_value = 2\n")
    held = StubVerdict(module="naive", hold="tests/test_other.py:7")
    new, renamed, findings = run(code, verdict=held)
    why = f"{CANNOT} (left as it is: the clock stub at tests/test_other.py:7 cannot follow the rewrite)"
    assert (new, renamed) == (code, 0)
    assert found(findings) == [(4, 5, "DT107", why), (5, 5, "DT107", why)]
    assert {h.severity for h in findings} == {"warning"}
    # aware mode rewrites the code whatever the tests do: the stubs follow it
    assert run(code, "aware", verdict=held)[1] == 2


def test_a_stub_that_cannot_follow_keeps_the_files_stubs():
    code = ('from unittest.mock import patch\n\nwith patch("app.datetime") as m:\n'
            "    m.utcnow.return_value = 1\n    m.utcnow.assert_called_once_with()\n"
            "    m.utcnow.side_effect = lambda: 1\n")
    new, renamed, findings = run(code)
    assert (new, renamed) == (code, 0)
    assert found(findings) == [
        (5, 5, "DT107", f"{CANNOT} (asserts the arguments of utcnow(); now() is called with timezone.utc)"),
        (6, 5, "DT107", f"{CANNOT} (a callable side_effect would now receive timezone.utc)"),
    ]


def test_a_fake_datetime_class_is_reported_at_the_method_name():
    code = ("import datetime\n\n\nclass FakeDatetime(datetime.datetime):\n    @classmethod\n"
            "    async  def utcnow(cls):\n        return cls(2020, 1, 1)\n")
    new, renamed, findings = run(code)
    assert (new, renamed) == (code, 0)
    why = "a fake datetime class defines utcnow(); the rewritten code calls now(tz), which it does not stub"
    assert found(findings) == [(6, 16, "DT107", f"{CANNOT} ({why})")]


def test_names_and_notes_from_other_files():
    code = "def test(clock):\n    clock.utcnow.return_value = 1\n"
    told = StubVerdict(names=frozenset({"clock"}), notes=((1, 1, "a fake put in by conftest.py"),))
    new, renamed, findings = run(code, "naive", verdict=told)
    assert new == code.replace("utcnow", "now") and renamed == 1
    assert found(findings) == [(1, 1, "DT107", f"{CANNOT} (a fake put in by conftest.py)"),
                               (2, 5, "DT010", NOW_STUB)]


def test_the_stub_phase_and_the_selection_never_import_libcst():
    probe = ("import sys\nimport infractl.fix_datetime.stubs.phase, infractl.fix_datetime.stubs.groups\n"
             "import infractl.fix_datetime.select.candidates, infractl.fix_datetime.select.prescan\n"
             "print(sorted(m for m in sys.modules if m.split('.')[0] == 'libcst'))\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout == "[]\n"
