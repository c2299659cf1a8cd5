"""``--verify``'s parts that touch the outside: running a real pytest suite (each test's outcome), any
other command (its exit status), the flaky-test rule, and the private copy of the tree."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from infractl.fix_datetime.verify.suite import EXIT_STATUS, SuiteError, compare, flaky_tests, run_suite
from infractl.fix_datetime.verify.workspace import Workspace

PYTEST = f"{sys.executable} -m pytest -q tests"


@pytest.fixture
def project(tmp_path) -> Path:
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_things.py").write_text(
        "import pytest\n\n"
        "def test_passes():\n    assert True\n\n"
        "def test_fails():\n    assert False\n\n"
        "@pytest.mark.skip(reason='not here')\ndef test_skipped():\n    pass\n\n"
        "class TestGroup:\n    def test_inside(self):\n        assert 1 + 1 == 2\n")
    return tmp_path


def test_each_pytest_outcome_is_read(project):
    outcomes = run_suite(PYTEST, project, timeout=120)
    assert outcomes.tests == {"tests/test_things.py::test_passes": "passed", "tests/test_things.py::test_fails": "failed",
                              "tests/test_things.py::test_skipped": "skipped",
                              "tests/test_things.py::TestGroup::test_inside": "passed"}
    assert outcomes.status == 1 and outcomes.failing() == ["tests/test_things.py::test_fails"]
    assert not (project / ".pytest_cache").exists() and not (project / "junit.xml").exists()


def test_another_command_has_its_exit_status(project):
    assert run_suite("sh -c 'exit 3'", project, timeout=30).tests == {EXIT_STATUS: "3"}
    assert run_suite("true", project, timeout=30).tests == {EXIT_STATUS: "0"}


def test_a_test_that_flips_is_flaky_and_never_counts(project):
    (project / "tests" / "test_flip.py").write_text(
        "from pathlib import Path\n\n"
        "def test_flips():\n    marker = Path(__file__).with_name('ran')\n    first = not marker.exists()\n"
        "    marker.touch()\n    assert first\n")
    first, second = run_suite(PYTEST, project, 120), run_suite(PYTEST, project, 120)
    flaky = flaky_tests(first, second)
    assert flaky == {"tests/test_flip.py::test_flips"}
    assert compare(first, flaky, second) == ()
    (project / "tests" / "test_things.py").write_text("def test_passes():\n    assert False\n")
    changed = compare(first, flaky, run_suite(PYTEST, project, 120))
    # test_passes now fails; the others are gone: a test that disappears counts too
    assert "tests/test_things.py::test_passes" in changed and "tests/test_things.py::test_fails" in changed


def test_a_command_that_does_not_finish_is_ended_with_its_children(project):
    started = time.monotonic()
    with pytest.raises(SuiteError, match="did not finish within"):
        run_suite(f"sh -c 'sleep 60 & echo $! > {project}/child; wait'", project, timeout=1)
    assert time.monotonic() - started < 10
    child = int((project / "child").read_text())
    time.sleep(0.2)
    assert _gone(child)


def _gone(pid: int) -> bool:
    """Ended: no such process, or a zombie nobody reaped yet (an orphan here, its parent killed too)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True
    return "\nState:\tZ" in status


@pytest.mark.parametrize("command, message", [("no-such-tool --x", "cannot run 'no-such-tool'"),
                                              ("pytest 'unclosed", "cannot read the command"), ("", "empty"),
                                              ("env A=1", "sets variables but runs nothing")])
def test_a_command_that_cannot_run_is_an_error(project, command, message):
    with pytest.raises(SuiteError, match=message):
        run_suite(command, project, timeout=10)


def test_the_private_copy_leaves_the_tree_alone_and_goes_away(project):
    (project / ".git").mkdir()
    (project / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (project / ".venv").mkdir()
    (project / ".venv" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    module = project / "app.py"
    module.write_text("X = 1\n")
    before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    with Workspace(project) as copy:
        assert copy.root != project and (copy.root / "app.py").read_text() == "X = 1\n"
        assert not (copy.root / ".git").exists()
        assert (copy.root / ".venv").is_symlink() and (copy.root / ".venv").resolve() == (project / ".venv").resolve()
        copy.remember([copy.inside(module)])
        copy.inside(module).write_text("X = 2\n")
        copy.restore()
        assert copy.inside(module).read_text() == "X = 1\n"
        scratch = copy.root.parent
    assert not scratch.exists()
    assert {p: p.read_bytes() for p in project.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize("command, pytest_run", [
    ("pytest -q", True), ("py.test", True), ("python3 -m pytest tests", True), ("env PYTHONPATH=src pytest", True),
    ("PYTHONPATH=src TZ=UTC python -m pytest", True), ("make test", False), ("python -m unittest", False),
    ("tox -e py311", False)])
def test_which_commands_are_pytest(command, pytest_run):
    from infractl.fix_datetime.verify.suite import command_argv, is_pytest

    assert is_pytest(command_argv(command)[1]) is pytest_run


@pytest.mark.parametrize("front", ["env MARKER=yes", "MARKER=yes"])
def test_variables_in_front_of_the_command_are_set(project, front):
    (project / "tests" / "test_marker.py").write_text("import os\n\ndef test_marker():\n    assert os.environ['MARKER'] == 'yes'\n")
    outcomes = run_suite(f"{front} {PYTEST}", project, timeout=120)
    assert outcomes.tests["tests/test_marker.py::test_marker"] == "passed"  # from pytest's report, not the status


@pytest.mark.parametrize(("file", "classname", "name", "expected"), [
    ("tests/test_x.py", "tests.test_x", "test_a[1-utc]", "tests/test_x.py::test_a[1-utc]"),
    ("tests/test_x.py", "tests.test_x.TestOuter.TestInner", "test_b", "tests/test_x.py::TestOuter::TestInner::test_b"),
    ("test_login.py", "test_login.UserMixinTestCase", "test_c", "test_login.py::UserMixinTestCase::test_c"),
    (None, "tests.test_x", "test_d", "tests.test_x::test_d"),  # no file: junit's own name, still unique
    ("tests/doc.txt", "tests.doc", "doc", "tests.doc::doc"),
])
def test_a_test_is_named_as_pytest_names_it(file, classname, name, expected):
    """What --verify reports (DT012, DT021, DT023) can be pasted after ``pytest`` to run that test."""
    from infractl.fix_datetime.verify.suite import node_id

    assert node_id(file, classname, name) == expected
