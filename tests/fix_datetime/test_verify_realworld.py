"""``--verify`` against what real projects' setups do (issue 16, item 2): each test is a shape of CMD or
of a project that broke, or could silently break, the verification on a real tree."""

from __future__ import annotations

import sys

from test_verify_driver import by_rule, fix, project, snapshot


def test_a_suite_that_imports_the_project_from_the_users_tree_decides_nothing(tmp_path):
    """A src layout with an editable install (a .pth file naming the user's src/, or an absolute
    PYTHONPATH: the same thing) makes CMD import the user's files, not the copy's: every trial would pass
    unseen and both sites would be made aware. It must stop, naming a file."""
    root = project(tmp_path)
    (root / "src").mkdir()
    (root / "app").rename(root / "src" / "app")
    before = snapshot(root)
    done, doc = fix(root, "--verify", f"env PYTHONPATH={root / 'src'} {sys.executable} -m pytest -q tests")
    assert done.returncode == 1 and snapshot(root) == before
    [finding] = by_rule(doc)["DT024"]
    assert "imports src/app/__init__.py, src/app/clock.py from the project itself" in finding["message"]
    assert "DT020" not in by_rule(doc)


def test_a_virtualenv_inside_the_tree_is_not_the_project_importing_itself(tmp_path):
    """The copy links the tree's virtualenv: modules from it resolve into the user's tree, and are fine."""
    root = project(tmp_path)
    venv = root / ".venv"
    (venv / "lib").mkdir(parents=True)
    (venv / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (venv / "lib" / "helper_from_venv.py").write_text("VALUE = 1\n")
    (root / "tests" / "conftest.py").write_text("import helper_from_venv\n")
    done, doc = fix(root, "--verify", f"env PYTHONPATH=.:.venv/lib {sys.executable} -m pytest -q tests")
    assert done.returncode == 0, doc
    assert [f["line"] for f in by_rule(doc)["DT020"]] == [5]
