"""CI007 recognises a skipped method that overrides an inherited test to opt one subclass out of it: info,
and no "fix the test" (on main: a warning telling the author to fix and re-enable a test that runs
fine for every other subclass). A new test skipped for good is still the warning it was."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from infractl import cli
from infractl.lint_ci.command import collect

runner = CliRunner()
BASE = '''import unittest


class BackendTests(unittest.TestCase):
    def test_json(self):
        self.assertTrue(self.backend.json)

    def test_plain(self):
        self.assertTrue(self.backend)
'''


def _skips(root: Path) -> list[tuple]:
    return sorted((Path(f.path).name, f.line, f.severity.value, "fix the test" in f.fix)
                  for f in collect(root).findings if f.rule == "CI007")


def _tests(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / "tests" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "tests" / name).write_text(text)
    return root


def test_an_override_of_a_test_in_the_same_module_is_an_info_opt_out(tmp_path):
    _tests(tmp_path, {"test_backends.py": BASE + '''

class SqliteTests(BackendTests):
    @unittest.skip("sqlite has no JSON1 here")
    def test_json(self):
        super().test_json()

    @unittest.skip("flaky")
    def test_new_thing(self):
        self.assertTrue(False)
'''})
    assert _skips(tmp_path) == [("test_backends.py", 13, "info", False), ("test_backends.py", 17, "warning", True)]
    finding = next(f for f in collect(tmp_path).findings if f.line == 13)
    assert "overrides BackendTests.test_json" in finding.message


def test_an_override_of_a_test_imported_from_the_test_tree_is_an_info_opt_out(tmp_path):
    _tests(tmp_path, {"base.py": BASE, "test_pg.py": '''import pytest

from .base import BackendTests


class PostgresTests(BackendTests):
    @pytest.mark.skip(reason="covered by the JSONB tests")
    def test_json(self):
        super().test_json()

    @pytest.mark.skip(reason="broken since 2.0")
    def test_plain_too(self):
        super().test_plain()
'''})
    assert _skips(tmp_path) == [("test_pg.py", 7, "info", False), ("test_pg.py", 11, "warning", True)]


def test_an_empty_override_of_a_librarys_base_is_an_opt_out_but_not_a_testcase_subclass(tmp_path):
    _tests(tmp_path, {"test_lib.py": '''import unittest

from somelib.testing import StorageContract


class S3Storage(StorageContract):
    @unittest.skip("S3 has no rename")
    def test_rename(self):
        pass


class OwnTests(unittest.TestCase):
    @unittest.skip("todo")
    def test_rename(self):
        pass
'''})
    assert _skips(tmp_path) == [("test_lib.py", 7, "info", False), ("test_lib.py", 13, "warning", True)]


def test_an_opt_out_alone_does_not_fail_a_strict_run(tmp_path):
    _tests(tmp_path, {"test_backends.py": BASE + '''

class SqliteTests(BackendTests):
    @unittest.skip("sqlite has no JSON1 here")
    def test_json(self):
        pass
'''})
    assert runner.invoke(cli.app, ["lint-ci", "--strict", str(tmp_path)]).exit_code == 0
