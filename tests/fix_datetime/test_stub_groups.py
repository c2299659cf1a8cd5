"""stubgroups.stub_verdicts on small trees: the forms the project cases (cases/stubs/) do not run with pytest."""

from __future__ import annotations

import pytest
from support.fixdt import run_fix

from infractl.fix_datetime.stubs.groups import stub_verdicts

MODULE = "from datetime import datetime\n\n\ndef stamp():\n    return datetime.utcnow()\n"
FAKE = ("from datetime import datetime\n\n\nclass FakeDatetime(datetime):\n    @classmethod\n"
        "    def utcnow(cls):\n        return datetime(2020, 1, 1)\n")


@pytest.fixture
def tree(tmp_path, monkeypatch):
    """Write ``{path: text}`` under a temporary project root (the working directory); returns (items, others)
    as the command would pass them: ``walked`` files only, candidates those that mention utcnow."""
    monkeypatch.chdir(tmp_path)

    def make(files: dict[str, str], walked: set[str] | None = None):
        for name, text in files.items():
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / name).write_text(text)
        items, others = [], []
        for name in sorted(walked if walked is not None else files):
            data = files[name].encode()
            if b".utcnow" in data or b"def utcnow" in data:
                items.append((name, data))
            elif b"datetime" in data:
                others.append((name, data))
        return items, others

    return make


def test_patch_multiple_with_a_fake_holds_the_module(tree):
    verdicts = stub_verdicts(*tree({
        "app/__init__.py": "", "app/clock.py": MODULE, "tests/__init__.py": "", "tests/helpers.py": FAKE,
        "tests/test_clock.py": "from unittest import mock\n\nfrom app import clock\nfrom tests.helpers import "
                               "FakeDatetime\n\n\ndef test_it():\n    with mock.patch.multiple(clock, "
                               "datetime=FakeDatetime):\n        clock.stamp()\n",
    }))
    assert verdicts["app/clock.py"].module.startswith("keep:tests/test_clock.py:8 (FakeDatetime")
    assert [line for line, _, _ in verdicts["tests/test_clock.py"].notes] == [8]


def test_a_file_that_does_not_parse_still_stubs_its_literal_targets(tree):
    verdicts = stub_verdicts(*tree({
        "app/__init__.py": "", "app/clock.py": MODULE,
        "tests/test_clock.py": "from unittest import mock\n\n@mock.patch('app.clock.datetime')\ndef test_it(m:\n"
                               "    m.utcnow.return_value = 1\n",
    }))
    assert verdicts["app/clock.py"].module == "naive"


def test_a_fixture_that_returns_a_following_class_is_no_mock_in_the_test(tree):
    verdicts = stub_verdicts(*tree({
        "app/__init__.py": "", "app/clock.py": MODULE, "tests/__init__.py": "",
        "tests/conftest.py": "import pytest\nfrom datetime import datetime\n\n\nclass Marked(datetime):\n    pass\n"
                             "\n\n@pytest.fixture\ndef marked():\n    return Marked\n",
        "tests/test_clock.py": "from app import clock\n\n\ndef test_it(monkeypatch, marked):\n    monkeypatch.setattr("
                               "clock, 'datetime', marked)\n    assert marked.utcnow() <= clock.stamp()\n",
    }))
    assert verdicts["app/clock.py"].module == "naive"
    test = verdicts["tests/test_clock.py"]
    assert test.drop == {"marked"} and not test.hold  # ``marked.utcnow()`` is the real clock: never renamed


def test_a_mock_configured_in_a_file_that_is_not_rewritten_holds(tree):
    files = {
        "app/__init__.py": "", "app/clock.py": MODULE, "tests/__init__.py": "",
        "tests/mocks.py": "from datetime import datetime\nfrom unittest.mock import MagicMock\n\n\ndef fake():\n"
                          "    m = MagicMock(wraps=datetime)\n    m.utcnow.return_value = datetime(2020, 1, 1)\n"
                          "    return m\n",
        "tests/test_clock.py": "from app import clock\nfrom tests.mocks import fake\n\n\ndef test_it(monkeypatch):\n"
                               "    monkeypatch.setattr(clock, 'datetime', fake())\n",
    }
    walked = stub_verdicts(*tree(files))
    assert walked["app/clock.py"].module == "naive" and walked["tests/mocks.py"].names == {"m"}
    excluded = stub_verdicts(*tree(files, walked={"app/clock.py", "tests/test_clock.py"}))
    assert "tests/mocks.py (it configures the mock" in excluded["app/clock.py"].module


def test_a_fake_from_outside_the_project_and_a_missing_fixture_hold_with_the_reason(tree):
    verdicts = stub_verdicts(*tree({
        "pyproject.toml": "", "app/__init__.py": "", "app/clock.py": MODULE, "app/other.py": MODULE,
        "tests/test_clock.py": "from timekeeper.fakes import Frozen\nfrom app import clock, other\n\n\n"
                               "def test_it(monkeypatch):\n    monkeypatch.setattr(clock, 'datetime', Frozen)\n",
        "tests/test_other.py": "def test_fixture(monkeypatch, frozen_clock):\n"
                               "    monkeypatch.setattr('app.other.datetime', frozen_clock)\n",
    }))
    assert "Frozen comes from timekeeper.fakes, outside the project" in verdicts["app/clock.py"].module
    assert "the fixture frozen_clock is not defined" in verdicts["app/other.py"].module
    assert [line for line, _, _ in verdicts["tests/test_clock.py"].notes] == [6]
    assert [line for line, _, _ in verdicts["tests/test_other.py"].notes] == [2]


def test_nothing_is_looked_at_without_a_stub(tree):
    assert stub_verdicts(*tree({"app/clock.py": MODULE, "tests/test_clock.py": "import datetime\n"})) == {}


def test_an_autouse_fixture_in_a_conftest_that_is_not_walked_still_holds(tree, capsys):
    tree({
        "app/__init__.py": "", "app/clock.py": MODULE, "tests/__init__.py": "", "tests/helpers.py": FAKE,
        "tests/conftest.py": "import pytest\n\nfrom tests.helpers import FakeDatetime\n\n\n"
                             "@pytest.fixture(autouse=True)\ndef frozen(monkeypatch):\n"
                             "    monkeypatch.setattr('app.clock.datetime', FakeDatetime)\n",
        "tests/test_clock.py": "from app import clock\n\n\ndef test_it():\n    assert clock.stamp().year == 2020\n",
    })
    code, report, _ = run_fix(capsys, "app", "tests/test_clock.py", check=True)
    held = {(f["path"], f["line"]) for f in report["findings"] if f["rule"] == "DT107"}
    assert ("app/clock.py", 5) in held and ("tests/conftest.py", 8) in held, held
    assert code == 0 and report["summary"]["rewrites"] == 0  # nothing left to rewrite; the holds are warnings


def test_a_mock_a_patch_decorator_passes_in_and_one_set_on_self_follow(tree):
    verdicts = stub_verdicts(*tree({
        "app/__init__.py": "", "app/clock.py": MODULE, "app/other.py": MODULE, "app/third.py": MODULE,
        "tests/test_injected.py": "from unittest import mock\n\nfrom app import clock\n\n\n"
                                  "@mock.patch('app.other.datetime')\ndef test_it(m, monkeypatch):\n"
                                  "    monkeypatch.setattr(clock, 'datetime', m)\n    m.utcnow.return_value = 1\n",
        "tests/test_case.py": "import unittest\nfrom unittest import mock\n\nfrom app import third\n\n\n"
                              "class ClockTest(unittest.TestCase):\n    def setUp(self):\n"
                              "        self.fake = mock.MagicMock()\n        self.fake.utcnow.return_value = 1\n"
                              "        mock.patch.object(third, 'datetime', self.fake).start()\n",
    }))
    assert {verdicts[m].module for m in ("app/clock.py", "app/other.py", "app/third.py")} == {"naive"}
    assert verdicts["tests/test_case.py"].names == {"self.fake"} and not verdicts["tests/test_case.py"].hold


def test_a_fake_class_set_on_self_holds(tree):
    verdicts = stub_verdicts(*tree({
        "app/__init__.py": "", "app/clock.py": MODULE, "tests/__init__.py": "", "tests/helpers.py": FAKE,
        "tests/test_case.py": "import unittest\nfrom unittest import mock\n\nfrom app import clock\n"
                              "from tests.helpers import FakeDatetime\n\n\nclass ClockTest(unittest.TestCase):\n"
                              "    def setUp(self):\n        self.fake = FakeDatetime\n\n    def test_it(self):\n"
                              "        with mock.patch.object(clock, 'datetime', self.fake):\n            clock.stamp()\n",
    }))
    assert "FakeDatetime (tests/helpers.py:4) defines utcnow()" in verdicts["app/clock.py"].module
