"""The cheap filter in front of libcst: attribute text, then ``ast``; it must never drop a real site."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from support.fixdt import FIXTURE, run_fix

from infractl.fix_datetime.rewrite.transform import transform_source
from infractl.fix_datetime.select.prefilter import calls_stdlib_utc

ROOT = Path(__file__).resolve().parents[2]
CASES = sorted((ROOT / "src" / "infractl" / "fix_datetime" / "cases").glob("*.py"))
SOURCES = [*CASES, *sorted(FIXTURE.rglob("*.py")), *sorted((ROOT / "examples").rglob("*.py"))]


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_every_file_the_rewrite_changes_passes_the_filter(path):
    data = path.read_bytes()
    result = transform_source(data.decode("utf-8"))
    if result.calls_fixed or result.refs_fixed:
        assert calls_stdlib_utc(data), f"{path.name}: the prefilter would drop a real rewrite"


STDLIB = {
    "class": b"from datetime import datetime\nx = datetime.utcnow()\n",
    "class alias": b"from datetime import datetime as DT\nclass A:\n    made = DT.utcnow\n",
    "module": b"import datetime\nx = datetime.datetime.utcfromtimestamp(0)\n",
    "module alias": b"import datetime as dt\nx = dt.datetime.utcnow()\n",
    "import in a function": b"def f():\n    import datetime\n    return datetime.datetime.utcnow()\n",
    "reference": b"from datetime import datetime\nColumn(default=datetime.utcnow)\n",
    "comment between": b"from datetime import datetime\nx = (datetime.  # why\n     utcnow())\n",
    "backslash": b"from datetime import datetime\nx = datetime.\\\n    utcnow()\n",
    "next line": b"from datetime import datetime\nx = (datetime\n     .utcnow())\n",
    "does not parse": b"from datetime import datetime\ndef f(:\n    datetime.utcnow()\n",
    # clock stubs in tests, which the rewrite of stubs must see
    "stub return_value": b"with patch('app.mod.datetime') as m:\n    m.utcnow.return_value = T\n",
    "stub target": b"patch('app.mod.datetime.utcnow', new=fake)\n",
    "stub patch.object": b"patch.object(mod.datetime, 'utcnow')\n",
    "stub assignment": b"fake_datetime.utcnow = lambda: T\n",
}
NOT_STDLIB = {
    "own helper": b"from app.clock import utcnow\nx = utcnow()\n",
    "own helper module": b"import datetime\nfrom app import clock\nx = clock.utcnow()\n",
    "arrow": b"import arrow\nx = arrow.utcnow()\n",
    "self": b"import datetime\nclass A:\n    def f(self):\n        return self.utcnow()\n",
    "comment": b"from datetime import datetime\n# we used to call utcnow here\n",
    "no datetime import": b"x = datetime.utcnow()\n",
    "other datetime": b"from pendulum import datetime\nx = datetime.utcnow()\n",
    # a test that stubs the project's own helper by name (google-auth's tests): nothing the rewrite renames
    "own helper patched": b"import datetime\n@mock.patch('app.clock.utcnow')\ndef test(utcnow):\n"
                          b"    utcnow.return_value = datetime.datetime.strptime(T, F)\n",
    "own helper patched in an f-string": b"import datetime\npatch(f'{mod}.utcnow', datetime.datetime.min)\n",
}


@pytest.mark.parametrize("name", STDLIB)
def test_stdlib_forms_and_stubs_reach_libcst(name):
    assert calls_stdlib_utc(STDLIB[name])


@pytest.mark.parametrize("name", NOT_STDLIB)
def test_a_projects_own_utcnow_does_not(name):
    assert not calls_stdlib_utc(NOT_STDLIB[name])


def test_helper_callers_are_not_parsed_by_libcst(tmp_path, monkeypatch, capsys):
    """The issue's tree: many files call the project's own utcnow(); only the real call is rewritten."""
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "clock.py").write_bytes(
        b"import datetime\n\n\ndef utcnow():\n    return datetime.datetime.utcnow()\n")
    for index in range(30):
        (tmp_path / "app" / f"user{index}.py").write_bytes(
            b"from app import clock\nfrom app.clock import utcnow\n\n\ndef f():\n"
            b"    return utcnow(), clock.utcnow()\n")
    monkeypatch.chdir(tmp_path)
    parsed = []
    from infractl.fix_datetime import workers

    real_rewrite = workers.rewrite_source  # in-process, each candidate file is rewritten through it
    monkeypatch.setattr(workers, "rewrite_source", lambda path, *a: parsed.append(path) or real_rewrite(path, *a))
    code, report, _ = run_fix(capsys, check=True, jobs=1)
    assert code == 1
    assert parsed == ["app/clock.py"]
    assert report["summary"]["files_candidate"] == 1 and report["summary"]["calls_fixed"] == 1


def test_filter_is_cheap_on_a_file_that_mentions_the_helper():
    data = b"from app.clock import utcnow\n" + b"x = utcnow()\n" * 20_000
    start = time.perf_counter()
    assert not calls_stdlib_utc(data)
    assert time.perf_counter() - start < 0.5  # a byte scan; libcst takes seconds on this file


# Files that import datetime and also call something else's utcnow(): the byte test answers them, and
# must give ``ast``'s answer every time (issue 16: ~450 such calls cost an ``ast`` parse per file).
LOOK_ALIKES = {
    "own helper module": b"import datetime\nfrom app import clock\nx = clock.utcnow()\n",
    "chained receiver": b"from datetime import timedelta\nx = self.clock.utcnow() + timedelta(1)\n",
    "both helpers": b"import datetime\nx = clock.utcnow(), timeutils.utcfromtimestamp(3)\n",
    "aliased class": b"from datetime import datetime as clock\nx = clock.utcnow()\n",
    "aliased over lines": b"from datetime import (\n    datetime as\n    clock,\n)\nx = clock.utcnow()\n",
    "aliased by backslash": b"from datetime import datetime as \\\n    clock\nx = clock.utcnow()\n",
    "module's class": b"import datetime as clock\nx = clock.datetime.utcnow()\n",
    "helper then stdlib": b"import datetime\nx = clock.utcnow()\ny = datetime.datetime.utcnow()\n",
    "helper then stub": b"import datetime\nx = clock.utcnow()\nm.utcnow.return_value = 1\n",
    "helper then store": b"import datetime\nx = clock.utcnow()\nclock.utcnow = fake\n",
    "helper then quoted": b"import datetime\nx = clock.utcnow()\npatch('app.mod.datetime.utcnow')\n",
    "helper patched by name": b"import datetime\nx = clock.utcnow()\npatch('app.clock.utcnow')\n",
    "helper patched, then a stub by name": b"import datetime\npatch('app.clock.utcnow')\nsetattr(m, 'utcnow', f)\n",
    "helper patched, then the class's": b"import datetime\npatch('app.clock.utcnow')\nx = datetime.datetime.utcnow\n",
    "helper patched, in a comment": b"import datetime\n# patch('app.clock.utcnow')\nx = clock.utcnow()\n",
    "helper then fake class": b"from datetime import datetime\nx = clock.utcnow()\nclass F(datetime):\n"
                              b"    def utcnow(cls):\n        return 1\n",
    "space before the dot": b"from datetime import datetime as clock\nx = clock .utcnow()\n",
    "call result": b"import datetime\nx = get().utcnow()\n",
    "non-ascii receiver": "from datetime import datetime as h\u00e9\nx = h\u00e9.utcnow()\n".encode(),
    "long receiver": b"from datetime import datetime as " + b"c" * 300 + b"\nx = " + b"c" * 300 + b".utcnow()\n",
}


@pytest.mark.parametrize("name", sorted(LOOK_ALIKES))
def test_byte_answer_for_look_alikes_is_asts_answer(name, monkeypatch):
    from infractl.fix_datetime.select import prefilter

    data = LOOK_ALIKES[name]
    answer = calls_stdlib_utc(data)
    monkeypatch.setattr(prefilter, "_only_other_receivers", lambda data: False)  # always ``ast``
    assert answer == calls_stdlib_utc(data)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_byte_answer_never_differs_from_ast_on_real_sources(path, monkeypatch):
    from infractl.fix_datetime.select import prefilter

    data = path.read_bytes()
    answer = calls_stdlib_utc(data)
    monkeypatch.setattr(prefilter, "_only_other_receivers", lambda data: False)
    assert answer == calls_stdlib_utc(data)


def test_helper_callers_that_import_datetime_are_not_parsed_at_all(monkeypatch):
    import ast

    parsed = []
    real_parse = ast.parse
    monkeypatch.setattr(ast, "parse", lambda source, *a, **k: parsed.append(source) or real_parse(source, *a, **k))
    caller = (b"from datetime import timedelta\n\nfrom app import clock\nfrom app.clock import utcnow\n\n\n"
              b"def expires(days):\n    return clock.utcnow() + timedelta(days=days), self.clock.utcnow()\n")
    assert not calls_stdlib_utc(caller)
    assert parsed == []
    assert calls_stdlib_utc(b"import datetime as dt\nx = dt.datetime.utcnow()\n")
    assert len(parsed) == 1  # a real call under another spelling still goes to ``ast``
    # the two plain spellings under their plain imports go on to the rewrite (whose parse decides) unparsed
    assert calls_stdlib_utc(b"from datetime import datetime\nx = datetime.utcnow()\n")
    assert calls_stdlib_utc(b"import datetime\nx = datetime.datetime.utcfromtimestamp(0)\n")
    assert len(parsed) == 1


def test_a_look_alike_that_does_not_parse_is_left_as_a_file_without_the_names_is():
    """Only a file that may hold a stdlib site goes on to be parsed (and DT001 when it does not parse);
    a file whose every mention is a call of the project's own helper is no such file, broken or not."""
    assert not calls_stdlib_utc(b"import datetime\nx = clock.utcnow(\n")
    assert calls_stdlib_utc(b"import datetime\nx = datetime.datetime.utcnow(\n")


def test_a_test_that_patches_the_projects_helper_by_name_is_not_parsed(tmp_path, monkeypatch, capsys):
    """google-auth 2.17.3's shape: ten test files patch ``"google.auth._helpers.utcnow"`` and build naive
    values with ``strptime``; the rewrite parsed each (290 KB) only to find nothing. Now only the helper's
    module is a candidate; a test that also mixes an aware value with a naive one still is (as prescan's
    AWARE), and its hazard is reported as before."""
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "clock.py").write_bytes(
        b"import datetime\n\n\ndef utcnow():\n    return datetime.datetime.utcnow()\n")
    (tmp_path / "tests").mkdir()
    for index in range(5):
        (tmp_path / "tests" / f"test_{index}.py").write_bytes(
            b"import datetime\nfrom unittest import mock\n\n\n@mock.patch('app.clock.utcnow')\n"
            b"def test_expiry(utcnow):\n    utcnow.return_value = datetime.datetime.strptime('2020', '%Y')\n")
    (tmp_path / "tests" / "test_mixed.py").write_bytes(
        b"import datetime\nfrom unittest import mock\n\n\n@mock.patch('app.clock.utcnow')\n"
        b"def test_mixed(utcnow):\n    aware = datetime.datetime.now(datetime.timezone.utc)\n"
        b"    assert aware > datetime.datetime(2020, 1, 1)\n")
    monkeypatch.chdir(tmp_path)
    parsed = []
    from infractl.fix_datetime import workers

    real_rewrite = workers.rewrite_source
    monkeypatch.setattr(workers, "rewrite_source", lambda path, *a: parsed.append(path) or real_rewrite(path, *a))
    code, report, _ = run_fix(capsys, check=True, jobs=1)
    assert code == 1 and sorted(parsed) == ["app/clock.py", "tests/test_mixed.py"]
    assert {f["path"] for f in report["findings"] if f["rule"].startswith("DT1")} == {"tests/test_mixed.py"}
