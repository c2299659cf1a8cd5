"""select/ignore of the rewrite rules control the rewrite, as ruff's do for a fixable rule.

``--ignore DT010`` used to hide the finding while the call was still rewritten. Now a rewrite site whose
rule is not selected is left as it is (like ``# noqa: DT010`` on its line), in the code and in clock stubs.
"""

from __future__ import annotations

import textwrap

import pytest
from support.fixdt import run_fix

SOURCE = textwrap.dedent('''\
    from datetime import datetime


    def stamp():
        return datetime.utcnow()


    def loaded(seconds):
        return datetime.utcfromtimestamp(seconds)
    ''')
STUB_TEST = textwrap.dedent('''\
    from unittest import mock


    @mock.patch("m.datetime")
    def test_stamp(mocked):
        mocked.utcnow.return_value = 1
    ''')


@pytest.fixture()
def project(tmp_path, monkeypatch):
    (tmp_path / "m.py").write_text(SOURCE)
    (tmp_path / "test_m.py").write_text(STUB_TEST)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize(("options", "kept", "gone", "shown"), [
    ({"ignore": ["DT010"]}, ["datetime.utcnow()", "mocked.utcnow.return_value"], ["utcfromtimestamp"], {"DT011"}),
    ({"ignore": ["DT011"]}, ["datetime.utcfromtimestamp(seconds)"], ["utcnow"], {"DT010"}),
    ({"select": ["DT011"]}, ["datetime.utcnow()", "mocked.utcnow.return_value"], ["utcfromtimestamp"], {"DT011"}),
    ({"select": ["DT1"]}, ["datetime.utcnow()", "datetime.utcfromtimestamp(seconds)", "mocked.utcnow"], [], set()),
    ({}, [], ["utcnow", "utcfromtimestamp"], {"DT010", "DT011"}),
])
def test_a_rewrite_rule_that_is_not_selected_is_not_applied(project, capsys, options, kept, gone, shown):
    code, report, _ = run_fix(capsys, ".", **options)
    assert code == 0
    text = (project / "m.py").read_text() + (project / "test_m.py").read_text()
    assert all(k in text for k in kept), text
    assert not any(g in text for g in gone), text
    assert {f["rule"] for f in report["findings"]} & {"DT010", "DT011"} == shown


def test_config_ignore_holds_the_rewrite_too(project, capsys):
    (project / "pyproject.toml").write_text('[tool.infractl.fix_datetime]\nignore = ["DT010"]\n')
    code, report, _ = run_fix(capsys, ".", check=True)
    assert code == 1  # the utcfromtimestamp() rewrite is still pending
    assert [(f["rule"], f["line"]) for f in report["findings"] if f["rule"] in ("DT010", "DT011")] == [("DT011", 9)]
    run_fix(capsys, ".")
    assert "datetime.utcnow()" in (project / "m.py").read_text()
    assert "utcfromtimestamp" not in (project / "m.py").read_text()


def test_an_ignored_rewrite_rule_holds_references_too(tmp_path, monkeypatch, capsys):
    # safety.py's list of held sites once shadowed the set of rules not selected: references were
    # rewritten (with DT012) under --ignore DT010
    (tmp_path / "m.py").write_text("from datetime import datetime\n\n\ndef f(make=datetime.utcnow):\n    return make()\n")
    monkeypatch.chdir(tmp_path)
    code, report, _ = run_fix(capsys, ".", ignore=["DT010"])
    assert code == 0 and report["summary"]["rewrites"] == 0 and report["findings"] == []
    assert "make=datetime.utcnow)" in (tmp_path / "m.py").read_text()
