"""fix-skips: every case under src/infractl/fix_skips/cases is a test (input -> expected), plus the CLI."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from infractl import cli
from infractl.fix_skips.transform import transform_source
from infractl.rulebook import rules_for

CASES = Path(__file__).resolve().parents[2] / "src" / "infractl" / "fix_skips" / "cases"
HEADER = re.compile(r"# infractl-case: (?P<fields>.*)")
runner = CliRunner()


def _cases() -> list[Path]:
    return sorted(p for p in CASES.glob("*.py") if not p.name.endswith(".expected.py"))


@pytest.mark.parametrize("case", _cases(), ids=lambda p: p.stem)
def test_case(case: Path):
    source = case.read_text()
    fields = dict(item.split("=") for item in HEADER.match(source).group("fields").split())
    result = transform_source(source, fields.get("env", "RUN_E2E_TESTS"))
    assert result.code == case.with_suffix(".expected.py").read_text()
    assert len(result.fixed) == int(fields["fixed"])
    assert len(result.kept) == int(fields["kept"])
    again = transform_source(result.code, fields.get("env", "RUN_E2E_TESTS"))
    assert again.code == result.code and not again.fixed  # idempotent


def test_there_is_a_case_for_every_form():
    names = {p.stem for p in _cases()}
    assert {"decorator_reason_keyword", "module_level_skip", "pytestmark_assignment",
            "unittest_skip_stays_unittest", "never_touch_flaky_and_conditional"} <= names


@pytest.mark.parametrize("rule", [r for r in rules_for("fix-skips") if r.bad], ids=lambda r: r.id)
def test_rule_examples(rule):
    bad = transform_source(rule.bad)
    fired = {"FS001": bool(bad.fixed), "FS002": bool(bad.kept)}
    assert fired[rule.id], rule.id
    if rule.good:
        good = transform_source(rule.good)
        assert not good.fixed and not good.kept
        assert bad.code == rule.good  # the documented fix is what the codemod writes


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    target = tmp_path / "svc"
    shutil.copytree(Path(__file__).resolve().parents[2] / "examples" / "webhook-receiver" / "tests", target / "tests")
    return target


def test_check_reports_each_pending_rewrite_and_changes_nothing(tree: Path):
    before = {p: p.read_bytes() for p in tree.rglob("*.py")}
    result = runner.invoke(cli.app, ["fix-skips", "--check", "--json", str(tree)])
    assert result.exit_code == 1
    doc = json.loads(result.output)
    rules = sorted((Path(f["path"]).name, f["line"], f["rule"], f["severity"]) for f in doc["findings"])
    assert rules == [("test_app.py", 7, "FS001", "error"), ("test_retry.py", 29, "FS002", "warning"),
                     ("test_signing.py", 45, "FS002", "warning")]
    assert before == {p: p.read_bytes() for p in tree.rglob("*.py")}


def test_write_then_second_run_is_clean(tree: Path):
    mode = (tree / "tests" / "test_app.py").stat().st_mode
    assert runner.invoke(cli.app, ["fix-skips", str(tree)]).exit_code == 0
    text = (tree / "tests" / "test_app.py").read_text()
    assert 'if not os.environ.get("RUN_E2E_TESTS"):\n    pytest.skip(' in text
    assert (tree / "tests" / "test_app.py").stat().st_mode == mode
    again = runner.invoke(cli.app, ["fix-skips", "--check", "--ignore", "FS002", str(tree)])
    assert again.exit_code == 0, again.output


def test_bad_env_name_is_a_usage_error(tree: Path):
    result = runner.invoke(cli.app, ["fix-skips", "--env", "not a name", str(tree)])
    assert result.exit_code == 2 and "--env must be an environment variable name" in result.output


def test_a_broken_file_is_reported_and_the_rest_fixed(tree: Path):
    (tree / "tests" / "test_broken.py").write_text("import pytest\n@pytest.mark.skip(reason='db'\ndef x(:\n")
    result = runner.invoke(cli.app, ["fix-skips", "--json", str(tree)])
    doc = json.loads(result.output)
    assert result.exit_code == 1
    assert any(f["rule"] == "FS003" and f["path"].endswith("test_broken.py") for f in doc["findings"])
    assert "RUN_E2E_TESTS" in (tree / "tests" / "test_app.py").read_text()


NOQA_SOURCE = '''import pytest


@pytest.mark.skip(reason="needs a running PostgreSQL database")
def test_db():
    pass


@pytest.mark.skip(reason="needs docker")  # noqa: FS001
def test_docker():
    pass
'''


def test_noqa_and_ignore_keep_a_skip_as_it_is_not_only_unreported(tmp_path):
    """As in ruff, a suppressed or deselected finding is neither reported nor fixed: the `# noqa: FS001`
    skip used to be rewritten anyway, and `--check` said "would change" with no finding to show."""
    test_file = tmp_path / "tests" / "test_x.py"
    test_file.parent.mkdir()
    test_file.write_text(NOQA_SOURCE)
    result = runner.invoke(cli.app, ["fix-skips", "--json", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert [(f["rule"], f["line"]) for f in json.loads(result.output)["findings"]] == [("FS001", 4)]
    text = test_file.read_text()
    assert '@pytest.mark.skip(reason="needs docker")  # noqa: FS001' in text
    assert 'skipif(not os.environ.get("RUN_E2E_TESTS"), reason="needs a running PostgreSQL database")' in text

    test_file.write_text(NOQA_SOURCE)
    result = runner.invoke(cli.app, ["fix-skips", "--check", "--ignore", "FS001", "--json", str(tmp_path)])
    assert result.exit_code == 0 and json.loads(result.output)["summary"]["files_changed"] == 0
    assert test_file.read_text() == NOQA_SOURCE


# Spellings of a skip the byte prefilter must let through (find_skips reports each), and files it may drop.
SKIPPING = [
    "import pytest\n\n@pytest . mark . skip\ndef test_a():\n    pass\n",
    "import pytest\n\n@pytest.mark.\\\nskip(reason='x')\ndef test_a():\n    pass\n",
    "from unittest import skip\n\n@skip('x')\ndef test_a():\n    pass\n",
    "import pytest\npytestmark = pytest.mark.skip\n",
    "import pytest\npytest.skip('x', allow_module_level=True)\n",
]
NOT_SKIPPING = [
    "import pytest\n\n@pytest.mark.skipif(True, reason='x')\ndef test_a():\n    pass\n",
    ("import unittest\n\nclass T(unittest.TestCase):\n    @unittest.skipUnless(0, 'x')\n    def test_a(self):\n"
     "        self.skipTest('y')\n"),
]


@pytest.mark.parametrize("source", SKIPPING + [p.read_text() for p in _cases()])
def test_the_prefilter_lets_every_skip_through(source):
    from infractl.fix_skips.detect import find_skips
    from infractl.fix_skips.prefilter import may_skip

    assert may_skip(source.encode())
    if source in SKIPPING:
        assert find_skips(source), source  # the spelling is a real skip, not only a match


@pytest.mark.parametrize("source", NOT_SKIPPING)
def test_the_prefilter_drops_files_that_cannot_skip(source):
    from infractl.fix_skips.detect import find_skips
    from infractl.fix_skips.prefilter import may_skip

    assert not find_skips(source) and not may_skip(source.encode())


@pytest.mark.slow
@pytest.mark.parametrize(("name", "version", "holding"), [("celery", "5.4.0", 5), ("kopf", "1.45.2", 0)])
def test_the_prefilter_keeps_every_file_with_a_skip_in_real_test_trees(name, version, holding):
    """Every Python file of real sdists: none of the ``holding`` files with a skip is dropped, and the
    filter drops many of those that merely mention "skip" (celery: 23 of 54, kopf: 29 of 45)."""
    from support.sdists import sdist_tree

    from infractl.fix_skips.detect import find_skips
    from infractl.fix_skips.prefilter import may_skip

    mentioning = kept = with_skips = 0
    for path in sdist_tree(name, version).rglob("*.py"):
        data = path.read_bytes()
        if b"skip" not in data:
            continue
        mentioning += 1
        kept += bool(may_skip(data))
        try:
            skips = find_skips(data.decode("utf-8", errors="replace"))
        except (SyntaxError, ValueError):
            continue
        if skips:
            with_skips += 1
            assert may_skip(data), path
    assert with_skips == holding
    assert kept < mentioning * 0.7, (mentioning, kept)
