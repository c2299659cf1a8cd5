"""``fix-datetime --verify CMD`` on sites a clock stub holds (issue 16, item 2b): each held site is an open
group of its own, tried rewritten as if no stub held it (in the form auto gives it). One the suite accepts
is rewritten, with DT020 saying so; one it does not stays held, its DT107 naming the test that changed.
Without --verify both stay held."""

from __future__ import annotations

from pathlib import Path

from test_verify_driver import PYTEST, by_rule, fix, snapshot

CLOCK = ("import datetime\n\n\ndef stamp():\n    return datetime.datetime.utcnow()\n\n\n"
         "def later():\n    return datetime.datetime.utcnow()\n")
# a callable side_effect cannot follow the rewrite (it would receive timezone.utc): it holds app.clock
STUBBED = ("import datetime\nfrom unittest import mock\n\nfrom app import clock\n\nFIXED = datetime.datetime(2020, 1, 1)\n\n\n"
           "def test_stamp_is_frozen():\n    with mock.patch('app.clock.datetime') as fake:\n"
           "        fake.datetime.utcnow.side_effect = lambda: FIXED\n        assert clock.stamp() == FIXED\n")
UNSTUBBED = ("from app import clock\n\n\ndef test_later_is_recent():\n"
             "    assert clock.later().year >= 2024\n")


def project(root: Path) -> Path:
    (root / "app").mkdir()
    (root / "app" / "__init__.py").write_text("")
    (root / "app" / "clock.py").write_text(CLOCK)
    (root / "tests").mkdir()
    (root / "tests" / "test_stub.py").write_text(STUBBED)
    (root / "tests" / "test_later.py").write_text(UNSTUBBED)
    return root


def test_without_verify_the_stub_holds_both_sites(tmp_path):
    root = project(tmp_path)
    before = snapshot(root)
    done, doc = fix(root)
    assert done.returncode == 0, done.stderr
    assert snapshot(root) == before
    held = [(f["path"], f["line"]) for f in by_rule(doc)["DT107"] if f["path"] == "app/clock.py"]
    assert held == [("app/clock.py", 5), ("app/clock.py", 9)]
    assert "DT020" not in by_rule(doc)


def test_verify_releases_the_held_site_the_suite_accepts(tmp_path):
    root = project(tmp_path)
    done, doc = fix(root, "--verify", PYTEST)
    assert done.returncode == 0, done.stderr
    # stamp() stays held (its test stubs utcnow); later() is rewritten as auto gives it (naive: it is returned)
    assert (root / "app" / "clock.py").read_text() == (
        "import datetime\n\n\ndef stamp():\n    return datetime.datetime.utcnow()\n\n\n"
        "def later():\n    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)\n")
    found = by_rule(doc)
    released = [f for f in found["DT020"] if f["path"] == "app/clock.py"]
    assert [f["line"] for f in released] == [9] and "although a clock stub held it" in released[0]["message"]
    held = [f for f in found["DT107"] if f["path"] == "app/clock.py"]
    assert [f["line"] for f in held] == [5]
    assert "rewritten, it changes tests/test_stub.py::test_stamp_is_frozen (--verify)" in held[0]["message"]
    # two baseline runs, the default rewrite, both released (fails), each alone
    assert doc["summary"]["verify"] == {"runs": 6, "groups_aware": 1, "groups_kept_naive": 1,
                                        "groups_undecided": 0, "written": True}
    done, again = fix(root, "--verify", PYTEST, "--check")  # the suite still passes, and decides the same
    assert done.returncode == 0, (done.stderr, again)
