"""Clock fakes defined in another file, on real PyPI projects (the default run must not change a test's outcome).

- botocore 1.29.165: ``tests/__init__.py`` defines ``FreezeTime``, a helper that puts a
  ``Mock(wraps=datetime.datetime)`` with ``utcnow.return_value`` set in place of the ``datetime`` of the
  module it is given (``@FreezeTime(module=botocore.auth.datetime, date=DATE)`` in the test files, which
  never name ``utcnow``). The module is named only at run time, so every utcnow() site is held back with
  DT107 at both ends. Before this was followed, the default run rewrote botocore/auth.py and friends and
  54 of these 635 tests failed (signatures made with the real clock); ``--mode aware``, which does not
  hold stubbed sites, still breaks them: the control that shows these tests see the rewrite.
- ml2p 0.6.0: ``tests/fixtures.py`` (imported by ``tests/conftest.py``) has an autouse fixture that puts a
  ``datetime`` subclass defining ``utcnow()`` in place of the standard library's own class
  (``monkeypatch.setattr(datetime, "datetime", fake_datetime)``); ``ml2p/core.py`` calls
  ``datetime.datetime.utcnow()``. Both sites are held with DT107 naming the fixture. (Its sdist lacks the
  YAML files the tests that reach those sites read, so they error before any rewrite; the outcomes are
  still compared test by test.)
- freezegun 1.5.5's own suite: its tests call ``utcnow()`` under ``freeze_time(..., tz_offset=-4)`` and
  friends, where freezegun's ``now(tz)`` adds the offset and its ``utcnow()`` does not. Before tz_offset
  freezes held the sites they reach, the default run rewrote them onto ``now(timezone.utc)``: tests failed
  and the frozen clock leaked until pytest died with INTERNALERROR. Now every ``utcnow()`` of the freezing
  file is held (DT107 there and at each freeze), ``utcfromtimestamp()`` (exact under the offset) and the
  file that does not freeze with an offset are still rewritten, and every outcome is the same.

Sdists, venvs and baselines are cached as in test_real_projects.py (support/realprojects.py).
"""

from __future__ import annotations

import dataclasses
import json

import pytest
from support import realprojects as rp

pytestmark = pytest.mark.slow

BOTOCORE = rp.Project(
    "botocore", "botocore==1.29.165", "botocore-1.29.165.tar.gz",
    "988b948be685006b43c4bbd8f5c0cb93e77c66deb70561994e0c5b31b5a67210",
    rp.COMMON + ("jmespath==1.0.1", "python-dateutil==2.9.0.post0", "six==1.17.0", "urllib3==1.26.20"),
    ("tests/unit/auth", "tests/unit/test_utils.py", "tests/unit/test_signers.py", "tests/unit/test_credentials.py"),
)
# --verify's botocore (test_real_verify.py): the modules FreezeTime patches (auth, utils), crt/auth.py (whose
# utcnow().replace(tzinfo=utc) holds their group), tests/__init__.py (FreezeTime's home) and the tests that
# call FreezeTime. What CMD does not run it cannot judge; each dry rewrite walks 6 paths, not ~250 files,
# and the bisection decides 7 held sites within the budget (the whole suite's 12 held sites need ~24 runs).
BOTOCORE_VERIFY = dataclasses.replace(
    BOTOCORE, tests=("tests/unit/auth", "tests/unit/test_utils.py"),
    fix_paths=("botocore/auth.py", "botocore/crt/auth.py", "botocore/utils.py", "tests/__init__.py",
               "tests/unit/auth", "tests/unit/test_utils.py"))
ML2P = rp.Project(
    "ml2p", "ml2p==0.6.0", "ml2p-0.6.0.tar.gz",
    "9ae4c0d1b3d0ad09d370757f4b1227d33a01e1d55cf0605e5bcd1f4c1a83c581",
    rp.COMMON + ("blinker==1.9.0", "boto3==1.28.57", "botocore==1.31.85", "certifi==2026.10.19.post1",
                 "cffi==2.1.1", "charset-normalizer==3.5.3", "click==8.5.1", "cryptography==50.0.2", "Flask==3.1.3",
                 "idna==3.20", "itsdangerous==2.2.0", "Jinja2==3.1.6", "jmespath==1.1.0", "MarkupSafe==3.0.4",
                 "moto==5.2.5", "pycparser==3.12", "python-dateutil==2.9.0.post0", "PyYAML==6.0.4",
                 "requests==2.34.2", "responses==0.26.3", "s3transfer==0.7.0", "six==1.17.0", "urllib3==2.0.7",
                 "Werkzeug==3.1.9", "xmltodict==1.0.4"),
    ("tests",),
)


def test_botocore_freeze_time_helper_is_followed_and_the_aware_form_holds_its_group():
    """FreezeTime(module=botocore.auth.datetime) is followed to its callers (no site is held for a module
    named at run time any more): it patches the standard library's class, so every module that reads it is
    one group, which botocore/crt/auth.py's utcnow().replace(tzinfo=utc) holds (the stub renamed onto now()
    would answer it naive). test_credentials.py reads the class once at import: its sites are rewritten."""
    before = rp.baseline_or_skip(BOTOCORE)
    assert len(before["outcomes"]) > 600 and set(before["outcomes"].values()) == {"passed"}
    where = rp.working_copy(BOTOCORE, "default")
    run = rp.infractl(where, "fix-datetime", ".", "--json")
    assert run.returncode == 0, run.stderr[-2000:]
    report = json.loads(run.stdout)
    held = [f for f in report["findings"] if f["rule"] == "DT107"]
    library = [f for f in held if f["path"].startswith("botocore/")]
    assert len(library) >= 6 and not any("run time" in f["message"] for f in held)
    assert all("botocore/crt/auth.py:59" in f["message"] and "replace(tzinfo=...)" in f["message"] for f in library)
    rewritten = {f["path"] for f in report["findings"] if f["rule"] == "DT010"}
    assert rewritten == {"tests/unit/test_credentials.py"} and report["summary"]["rewrites"] == 5
    after = rp.run_tests(BOTOCORE, where)
    assert not rp.changed_outcomes(before, after) and set(after["outcomes"]) == set(before["outcomes"])

    # the control: aware mode (the unsafe fix) does change outcomes here. With FreezeTime followed, its stub
    # is renamed with the calls, so the sigv4 tests keep passing; the credentials cache's aware expiry now
    # meets the naive times its tests give it, and those tests fail
    unsafe = rp.working_copy(BOTOCORE, "aware")
    assert rp.infractl(unsafe, "fix-datetime", ".", "--mode", "aware", "--json").returncode == 0
    broken = [t for t, (was, now) in rp.changed_outcomes(before, rp.run_tests(BOTOCORE, unsafe)).items() if now == "failed"]
    assert broken and all(t.startswith("tests/unit/test_credentials.py::") for t in broken), broken


def test_ml2p_autouse_fake_from_a_fixtures_module_holds_its_sites():
    before = rp.baseline_or_skip(ML2P)
    assert list(before["outcomes"].values()).count("passed") >= 80, before["outcomes"]
    where = rp.working_copy(ML2P, "default")
    run = rp.infractl(where, "fix-datetime", ".", "--json")
    assert run.returncode == 0, run.stderr[-2000:]
    report = json.loads(run.stdout)
    held = {(f["path"], f["line"]): f["message"] for f in report["findings"] if f["rule"] == "DT107"}
    assert {("ml2p/core.py", 502), ("ml2p/core.py", 577), ("tests/fixtures.py", 27)} <= set(held), held
    assert "fake_datetime (tests/fixtures.py:25) defines utcnow()" in held["ml2p/core.py", 502]
    assert report["summary"]["rewrites"] == 0
    after = rp.run_tests(ML2P, where)
    assert not rp.changed_outcomes(before, after) and set(after["outcomes"]) == set(before["outcomes"])


def test_freezegun_tz_offset_freezes_hold_the_sites_they_reach():
    before = rp.baseline_or_skip(rp.FREEZEGUN)
    assert list(before["outcomes"].values()).count("passed") >= 100, before["outcomes"]
    where = rp.working_copy(rp.FREEZEGUN, "default")
    run = rp.infractl(where, "fix-datetime", ".", "--json")
    assert run.returncode == 0, run.stderr[-2000:]
    report = json.loads(run.stdout)
    held = {(f["path"], f["line"]): f["message"] for f in report["findings"] if f["rule"] == "DT107"}
    assert "adds tz_offset=-4" in held["tests/test_datetimes.py", 83]  # the freeze itself
    assert "tz_offset at tests/test_datetimes.py:83" in held["tests/test_datetimes.py", 93]  # a utcnow() under it
    assert "datetime.datetime.utcnow()" in (where / "tests" / "test_datetimes.py").read_text()
    rewritten = {f["path"] for f in report["findings"] if f["rule"] in ("DT010", "DT011")}
    assert {"tests/test_datetimes.py", "tests/test_pickle.py"} <= rewritten  # utcfromtimestamp; no offset there
    after = rp.run_tests(rp.FREEZEGUN, where)
    assert not rp.changed_outcomes(before, after) and set(after["outcomes"]) == set(before["outcomes"])
