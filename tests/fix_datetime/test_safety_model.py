"""The safety model end to end: the default run must never turn passing tests into failing ones.

Each test writes a small project (code and its tests, in the shapes issue 6 found in real projects), runs
its tests with pytest, runs fix-datetime over the whole tree, and runs the tests again. The real-world
version of this, on projects from PyPI, is test_real_projects.py (slow).
"""

from __future__ import annotations

import json
import textwrap

import pytest
from support.fixdt import pytest_outcomes, run_fix

CLOCK = '''\
from datetime import datetime, timedelta


def stamp():
    return datetime.utcnow()


def expires(seconds):
    return datetime.utcnow() + timedelta(seconds=seconds)


def refresh_due(expiry_text):
    try:
        expiry = datetime.strptime(expiry_text, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        return True
    return datetime.utcnow() >= expiry


def _elapsed(work):
    started = datetime.utcnow()
    work()
    return (datetime.utcnow() - started).total_seconds()
'''

TESTS = '''\
from datetime import datetime, timedelta
from unittest import mock

from app import clock

FIXED = datetime(2020, 1, 1, 12, 0)


@mock.patch("app.clock.datetime")
def test_stamp_is_the_stubbed_clock(mocked):
    assert clock.stamp() == mocked.utcnow()  # MagicMock identity, as requests-cache's tests do


def test_expires_with_a_fixed_clock():
    with mock.patch("app.clock.datetime") as mocked:
        mocked.utcnow.return_value = FIXED
        assert clock.expires(60) == FIXED + timedelta(seconds=60)


def test_refresh_due():
    assert clock.refresh_due("2000-01-01T00:00:00Z") is True
    assert clock.refresh_due("not a date") is True
    assert clock.refresh_due("2999-01-01T00:00:00Z") is False


def test_elapsed():
    assert clock._elapsed(lambda: None) >= 0


def test_stamp_compares_with_naive_values():
    assert clock.stamp() > datetime(2000, 1, 1)
'''


@pytest.fixture()
def project(tmp_path, monkeypatch):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "clock.py").write_text(CLOCK)
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_clock.py").write_text(TESTS)
    monkeypatch.chdir(tmp_path)
    return tmp_path



def test_default_run_keeps_every_test_passing(project, capsys):
    before = pytest_outcomes(project)
    assert set(before.values()) == {"passed"}, before
    code, report, _ = run_fix(capsys, ".")
    assert code == 0
    assert b"utcnow" not in (project / "app" / "clock.py").read_bytes()
    tests = "".join((project / "tests" / "test_clock.py").read_text().split())  # long lines get wrapped
    assert "mocked.now().replace(tzinfo=None)" in tests and "mocked.now.return_value=FIXED" in tests
    assert pytest_outcomes(project) == before
    kept = [f for f in report["findings"] if f["rule"] == "DT012"]
    assert kept and all("stub" in f["message"] for f in kept if f["path"] == "app/clock.py")


def test_default_run_without_the_stubbing_tests_keeps_local_values_aware(project, capsys):
    (project / "tests" / "test_clock.py").unlink()
    code, report, _ = run_fix(capsys, ".")
    assert code == 0
    clock = (project / "app" / "clock.py").read_text()
    # the value that meets a strptime() result stays naive; the elapsed-time pair becomes aware
    assert "return datetime.now(timezone.utc).replace(tzinfo=None) >= expiry" in clock
    assert "started = datetime.now(timezone.utc)\n" in clock
    reasons = {f["line"]: f["message"] for f in report["findings"] if f["rule"] == "DT012"}
    assert "meets a naive datetime, line 14" in reasons[17]  # the naive partner: the strptime() line


def test_aware_mode_breaks_only_where_a_hazard_was_reported(project, capsys):
    before = pytest_outcomes(project)
    _, preview, _ = run_fix(capsys, ".", check=True, mode="aware")
    hazards = [f for f in preview["findings"] if f["severity"] == "warning"]
    run_fix(capsys, ".", mode="aware")
    after = pytest_outcomes(project)
    broken = sorted(name for name, outcome in after.items() if outcome != before[name])
    assert broken  # aware mode is the unsafe fix: something breaks here
    hazard_lines = {(f["path"], f["line"]) for f in hazards}
    # each break traces to a reported place in app/clock.py (the stub module: DT107 on every site)
    assert {path for path, _ in hazard_lines} == {"app/clock.py"}
    assert {f["rule"] for f in hazards} >= {"DT107"}


def test_noqa_keeps_a_call_and_suppresses_a_hazard(tmp_path, monkeypatch, capsys):
    source = textwrap.dedent('''\
        from datetime import datetime


        def f(text):
            kept = datetime.utcnow()  # noqa: DTZ003
            return datetime.utcnow() > datetime.strptime(text, "%Y"), kept  # noqa: DT101


        def g(text):
            return datetime.utcnow() > datetime.strptime(text, "%Y")
        ''')
    (tmp_path / "m.py").write_text(source)
    monkeypatch.chdir(tmp_path)
    code, report, _ = run_fix(capsys, ".", check=True, mode="aware")
    assert code == 1
    found = sorted((f["rule"], f["line"]) for f in report["findings"])
    assert found == [("DT010", 6), ("DT010", 10), ("DT101", 10)]
    run_fix(capsys, ".", mode="aware")
    assert "kept = datetime.utcnow()  # noqa: DTZ003" in (tmp_path / "m.py").read_text()


@pytest.mark.parametrize("fmt", ["github", "sarif"])
def test_check_annotates_every_pending_rewrite(tmp_path, monkeypatch, capsys, fmt):
    (tmp_path / "m.py").write_text("from datetime import datetime\n\nA = datetime.utcnow()\nB = datetime.utcfromtimestamp(0)\n")
    monkeypatch.chdir(tmp_path)
    code, out, _ = run_fix(capsys, ".", check=True, fmt=fmt)
    assert code == 1
    if fmt == "github":
        assert "::error file=m.py,line=3,col=5,title=DT010::" in out
        assert "::error file=m.py,line=4,col=5,title=DT011::" in out
    else:
        results = json.loads(out)["runs"][0]["results"]
        assert {(r["ruleId"], r["level"]) for r in results} >= {("DT010", "error"), ("DT011", "error")}


def test_write_run_reports_rewrites_as_info(tmp_path, monkeypatch, capsys):
    (tmp_path / "m.py").write_text("from datetime import datetime\n\nA = datetime.utcnow()\n")
    monkeypatch.chdir(tmp_path)
    code, report, _ = run_fix(capsys, ".")
    assert code == 0
    rewrite = next(f for f in report["findings"] if f["rule"] == "DT010")
    assert rewrite["severity"] == "info" and rewrite["message"].startswith("rewritten")


def test_second_run_still_reports_the_hazard(tmp_path, monkeypatch, capsys):
    # issue 6: after an aware run the calls are gone, and a second run reported no hazards at all
    (tmp_path / "m.py").write_text(
        'from datetime import datetime\n\n\ndef expired(text):\n'
        '    return datetime.utcnow() > datetime.strptime(text, "%Y")\n')
    monkeypatch.chdir(tmp_path)
    first = run_fix(capsys, ".", mode="aware")[1]
    second = run_fix(capsys, ".", check=True)[1]
    hazard = [(f["rule"], f["line"]) for f in first["findings"] if f["severity"] == "warning"]
    assert hazard == [("DT101", 5)]
    assert [(f["rule"], f["line"]) for f in second["findings"]] == hazard


def test_second_run_still_reports_literal_naive_partners(tmp_path, monkeypatch, capsys):
    # issue 6: with no utcnow() left, only parsed or stripped text next to an aware value reached the flow
    # analysis; a literal datetime(...), now(), datetime.min or a name assigned one was missed the second time
    (tmp_path / "m.py").write_text(textwrap.dedent('''\
        from datetime import datetime


        def since_epoch():
            return datetime.utcnow() - datetime(2020, 1, 1)


        def after_local():
            return datetime.utcnow() > datetime.now()


        def unset():
            return datetime.utcnow() == datetime.min


        def started():
            began = datetime(2020, 1, 1)
            return datetime.utcnow() - began
        '''))
    monkeypatch.chdir(tmp_path)
    first = run_fix(capsys, ".", mode="aware")[1]
    assert "utcnow" not in (tmp_path / "m.py").read_text()
    second = run_fix(capsys, ".", check=True)[1]
    expected = [("DT101", 5), ("DT101", 9), ("DT101", 13), ("DT101", 18)]
    assert sorted((f["rule"], f["line"]) for f in first["findings"] if f["rule"] == "DT101") == expected
    assert sorted((f["rule"], f["line"]) for f in second["findings"]) == expected

def test_a_stub_that_cannot_follow_keeps_the_stubbed_calls(tmp_path, monkeypatch, capsys):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "clock.py").write_text(CLOCK)
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_clock.py").write_text(TESTS + textwrap.dedent('''

        @mock.patch("app.clock.datetime")
        def test_called_without_arguments(mocked):
            mocked.utcnow.return_value = FIXED
            assert clock.stamp() == FIXED
            mocked.utcnow.assert_called_once_with()
        '''))
    monkeypatch.chdir(tmp_path)
    before = pytest_outcomes(tmp_path)
    assert set(before.values()) == {"passed"}
    code, report, _ = run_fix(capsys, ".")
    assert code == 0
    assert (tmp_path / "app" / "clock.py").read_text().count("datetime.utcnow()") == 5  # left as they were
    held = [f for f in report["findings"] if f["rule"] == "DT107"]
    assert {f["path"] for f in held} == {"app/clock.py", "tests/test_clock.py"}
    assert all("tests/test_clock.py:" in f["message"] for f in held if f["path"] == "app/clock.py")
    assert pytest_outcomes(tmp_path) == before
