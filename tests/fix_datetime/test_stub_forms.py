"""Every way a test replaces a module's ``datetime`` maps back to that module (issue 6, clock stubs).

``patch.object(mod, "datetime")``, ``mocker.patch.object(mod, "datetime")``, ``monkeypatch.setattr(mod,
"datetime", fake)`` and ``monkeypatch.setattr("pkg.mod.datetime", fake)`` stub the module just as
``patch("pkg.mod.datetime")`` does: the stubbed module stays naive in auto mode and the stub follows the
rewrite, or, for a fake datetime subclass defining ``utcnow``, both sides are left as they are with DT107.
A small real project: its tests run with pytest (and pytest-mock) before and after the default run.
"""

from __future__ import annotations

import pytest
from support.fixdt import pytest_outcomes, run_fix

MODULE = '''\
from datetime import datetime


def stamp():
    return datetime.utcnow()


def elapsed(work):
    started = datetime.utcnow()
    work()
    return (datetime.utcnow() - started).total_seconds()
'''

TESTS = '''\
from datetime import datetime
from unittest import mock
from unittest.mock import MagicMock

import app.by_path
from app import by_mocker, by_object, by_setattr

FIXED = datetime(2020, 1, 1, 12, 0)


@mock.patch.object(by_object, "datetime")
def test_patch_object(mocked):
    mocked.utcnow.return_value = FIXED
    assert by_object.stamp() == FIXED
    assert by_object.elapsed(lambda: None) == 0


def test_mocker_patch_object(mocker):
    mocked = mocker.patch.object(by_mocker, "datetime")
    mocked.utcnow.return_value = FIXED
    assert by_mocker.stamp() == FIXED
    assert by_mocker.elapsed(lambda: None) == 0


def test_monkeypatch_setattr_module(monkeypatch):
    fake = MagicMock(wraps=datetime)
    fake.utcnow.return_value = FIXED
    monkeypatch.setattr(by_setattr, "datetime", fake)
    assert by_setattr.stamp() == FIXED
    assert by_setattr.elapsed(lambda: None) == 0


def test_monkeypatch_setattr_path(monkeypatch):
    fake = MagicMock(wraps=datetime)
    fake.utcnow.return_value = FIXED
    monkeypatch.setattr("app.by_path.datetime", fake)
    assert app.by_path.stamp() == FIXED
    assert app.by_path.elapsed(lambda: None) == 0
'''

FAKE_CLASS_TESTS = '''\
from datetime import datetime

from app import by_fake

FIXED = datetime(2020, 1, 1, 12, 0)


class FakeDatetime(datetime):
    @classmethod
    def utcnow(cls):
        return FIXED


def test_fake_datetime_subclass(monkeypatch):
    monkeypatch.setattr(by_fake, "datetime", FakeDatetime)
    assert by_fake.stamp() == FIXED
    assert by_fake.elapsed(lambda: None) == 0
'''

FOLLOWING = ("by_object", "by_mocker", "by_setattr", "by_path")


@pytest.fixture()
def project(tmp_path, monkeypatch):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    for name in (*FOLLOWING, "by_fake"):
        (tmp_path / "app" / f"{name}.py").write_text(MODULE)
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_stubs.py").write_text(TESTS)
    (tmp_path / "tests" / "test_fake_clock.py").write_text(FAKE_CLASS_TESTS)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_every_stub_form_keeps_the_tests_passing(project, capsys):
    before = pytest_outcomes(project)
    assert len(before) == 5 and set(before.values()) == {"passed"}, before
    code, report, _ = run_fix(capsys, ".")
    assert code == 0
    for name in FOLLOWING:  # stubbed: every value kept naive (the elapsed pair would be aware otherwise)
        text = (project / "app" / f"{name}.py").read_text()
        assert "utcnow" not in text and text.count(".replace(tzinfo=None)") == 3, (name, text)
        kept = [f for f in report["findings"] if f["rule"] == "DT012" and f["path"] == f"app/{name}.py"]
        assert len(kept) == 3 and all("stub" in f["message"] for f in kept), kept
    tests = (project / "tests" / "test_stubs.py").read_text()
    assert "utcnow" not in tests and tests.count(".now.return_value = FIXED") == 4
    # the fake subclass cannot follow: the module and the fake are left as they are, DT107 at both
    assert (project / "app" / "by_fake.py").read_text() == MODULE
    assert (project / "tests" / "test_fake_clock.py").read_text() == FAKE_CLASS_TESTS
    held = {(f["path"], f["line"]) for f in report["findings"] if f["rule"] == "DT107"}
    assert held == {("app/by_fake.py", 5), ("app/by_fake.py", 9), ("app/by_fake.py", 11),
                    ("tests/test_fake_clock.py", 10)}, held
    assert pytest_outcomes(project) == before


def test_aware_mode_reports_the_fake_class_and_its_module(project, capsys):
    _, report, _ = run_fix(capsys, ".", check=True, mode="aware")
    held = {f["path"] for f in report["findings"] if f["rule"] == "DT107"}
    assert {"app/by_fake.py", "tests/test_fake_clock.py"} <= held
