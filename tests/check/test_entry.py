"""The console script's fast road for a plain ``infractl check``: the same output and exit code as the
full Typer CLI, for every argument list it accepts; everything else goes to the full CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from infractl.entry import check_args, check_defaults

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "webhook-receiver"
FAST = "from infractl.entry import main; main()"
FULL = "from infractl.cli import main; main()"
# the heavy libraries, and the standard library modules a clean repository's check must not pay for
# (dataclasses brings inspect: findings.py says why records on the path are named tuples). This list is the
# budget as measured: dataclasses and typing imported with the scanner made the 3,000-file check 1.67x ruff
# instead of 1.43x (README, check's Speed), past the 1.5x target
WATCHED = ("typer", "click", "libcst", "rich", "dataclasses", "typing")


def _run(code: str, args: list[str], cwd: Path, *flags: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "80", "INFRACTL_DEBUG": ""}
    return subprocess.run([sys.executable, *flags, "-c", code, "check", *args], cwd=cwd, capture_output=True,
                          text=True, env=env, timeout=120, check=False)


def _fast(args: list[str], cwd: Path) -> tuple[subprocess.CompletedProcess, set[str]]:
    """The fast road, and which of the WATCHED libraries it imported (from -X importtime's lines: the
    road ends with os._exit, so nothing can be asked on the way out)."""
    done = _run(FAST, args, cwd, "-X", "importtime")
    lines = done.stderr.splitlines(keepends=True)
    imported = {line.rsplit("|", 1)[1].strip().split(".")[0] for line in lines if line.startswith("import time:")}
    done.stderr = "".join(line for line in lines if not line.startswith("import time:"))
    return done, imported & set(WATCHED)


def _comparable(out: str) -> str:
    """The run's duration is the only thing two runs may differ in."""
    try:
        doc = json.loads(out)
    except ValueError:
        return out
    if isinstance(doc, dict):
        doc.get("summary", {}).pop("seconds", None)
    return json.dumps(doc, sort_keys=True)


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    """A repository with a bit of everything the datetime walk meets: a rewrite, an excluded directory,
    a broken link, an aware value meeting a naive one, and a test skipped unconditionally."""
    root = tmp_path_factory.mktemp("entry")
    (root / "pyproject.toml").write_text('[tool.infractl.fix_datetime]\nexclude = ["vendor/**"]\n')
    (root / "app").mkdir()
    (root / "app" / "clock.py").write_text("import datetime\n\n\ndef now():\n    return datetime.datetime.utcnow()\n")
    (root / "app" / "window.py").write_text(
        "from datetime import datetime, timezone\n\n\ndef late(text):\n"
        "    return datetime.now(timezone.utc) > datetime.strptime(text, '%Y')\n")
    (root / "vendor").mkdir()
    (root / "vendor" / "old.py").write_text("import datetime\nx = datetime.datetime.utcnow()\n")
    (root / "app" / "gone.py").symlink_to(root / "app" / "missing.py")
    (root / "tests").mkdir()
    (root / "tests" / "test_api.py").write_text(
        "import pytest\n\n\n@pytest.mark.skip(reason='needs the API')\ndef test_api():\n    pass\n")
    return root


ARGUMENT_LISTS = [
    [],
    ["--json"],
    ["--format", "github"],
    ["--format=sarif"],
    ["--select", "DT", "--json"],
    ["--ignore=DT010", "--ignore", "DT011,DT006"],
    ["--strict"],
    [".", "--json"],
    ["--config", "pyproject.toml", "."],
]


@pytest.mark.parametrize("args", ARGUMENT_LISTS, ids=lambda a: " ".join(a) or "(none)")
def test_fast_road_prints_what_the_full_cli_prints(tree, args):
    assert check_args(args) is not None  # these do take the fast road
    (fast, imported), full = _fast(args, tree), _run(FULL, args, tree)
    assert fast.returncode == full.returncode, (fast.stderr, full.stderr)
    assert _comparable(fast.stdout) == _comparable(full.stdout)
    assert fast.stderr == full.stderr
    assert "typer" not in imported and "click" not in imported  # it did not go through Typer


def test_fast_road_on_the_example_gives_its_findings_and_exit_code():
    fast, _ = _fast(["--json", str(EXAMPLE)], ROOT)
    full = _run(FULL, ["--json", str(EXAMPLE)], ROOT)
    assert fast.returncode == full.returncode == 1
    assert _comparable(fast.stdout) == _comparable(full.stdout)
    assert len(json.loads(fast.stdout)["findings"]) > 30


def test_a_clean_tree_imports_no_heavy_module(tmp_path):
    (tmp_path / "app.py").write_text("from datetime import datetime, timezone\nNOW = datetime.now(timezone.utc)\n")
    (tmp_path / "tests").mkdir()
    # a test that may skip itself (not unconditionally: no finding), so the skip detector parses it
    (tmp_path / "tests" / "test_app.py").write_text(
        "import pytest\n\n\ndef test_app():\n    if not pytest:\n        pytest.skip('no pytest')\n")
    versions = tmp_path / "migrations" / "versions"
    versions.mkdir(parents=True)
    (versions / "a1_orders.py").write_text(
        'revision = "a1"\ndown_revision = None\nimport sqlalchemy as sa\nfrom alembic import op\n\n\n'
        'def upgrade():\n    op.create_table("orders", sa.Column("created_at", sa.DateTime(timezone=True), '
        'nullable=False, server_default=sa.func.now()))\n')
    done, imported = _fast(["--json", "."], tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["areas"] == {"datetime": "3 Python files, 0 with deprecated datetime calls",
                                               "workflows": "0 workflow files, 1 test files",
                                               "migrations": "1 Alembic revisions in migrations/versions",
                                               "monitoring": "nothing found", "manifests": "nothing found",
                                               "wiremock": "nothing found"}
    assert json.loads(done.stdout)["findings"] == []
    assert imported == set()  # no libcst, no rich (not a terminal), no Typer, no dataclasses or typing


@pytest.mark.parametrize("args", [
    ["--help"], ["-h"], ["--selct", "DT"], ["--format", "bogus"], ["--select"], ["a", "b"], ["--json=1"],
    ["--"], ["--select", "--json"], ["--select="], ["-"],
], ids=lambda a: " ".join(a))
def test_anything_else_goes_to_the_full_cli(args):
    assert check_args(args) is None


def test_a_directory_given_as_config_goes_to_the_full_cli(tmp_path):
    assert check_args(["--config", str(tmp_path)]) is None


def test_what_the_fast_road_understands():
    expected = check_defaults()
    expected.path, expected.fmt, expected.strict, expected.select = "repo", "github", True, ["DT,DB", "CI"]
    assert check_args(["repo", "--format=github", "--select", "DT,DB", "--select=CI", "--strict"]) == expected
    assert check_args([]) == check_defaults()


def test_usage_errors_still_come_from_the_full_cli(tree):
    done = _run(FAST, ["--selct", "DT"], tree)
    assert done.returncode == 2 and "--selct" in done.stderr and done.stdout == ""


@pytest.mark.parametrize("argv, module", [(["rules"], "infractl.cli"), (["check", "."], "infractl.check.command")])
def test_ctrl_c_while_importing_is_one_line_and_130(tmp_path, argv, module):
    """A Ctrl-C that lands while the modules load (the first ~50 ms): no traceback."""
    code = ("import builtins, sys\n"
            "real = builtins.__import__\n"
            "def interrupted(name, *args, **kwargs):\n"
            f"    if name == {module!r}:\n"
            "        raise KeyboardInterrupt\n"
            "    return real(name, *args, **kwargs)\n"
            "builtins.__import__ = interrupted\n"
            f"sys.argv = ['infractl', *{argv!r}]\n"
            "from infractl.entry import main\n"
            "main()\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.returncode == 130
    assert done.stderr == "error: interrupted\n" and done.stdout == ""


def test_the_fast_road_knows_no_flag_or_format_the_full_cli_does_not():
    """Two parsers by necessity (click costs ~65 ms to import, the fast road must not pay it): the fast
    road's tables are a subset of the Typer command's, so what it accepts means what the full CLI means."""
    from typer.main import get_command

    from infractl import entry
    from infractl.cli import OutputFormat, app

    command = get_command(app).commands["check"]
    options = {name for param in command.params for name in getattr(param, "opts", ())}
    assert set(entry._FLAGS) | set(entry._VALUED) <= options
    assert set(entry.FORMATS) == {fmt.value for fmt in OutputFormat}
