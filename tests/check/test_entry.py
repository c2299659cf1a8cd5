"""The console script's head start: a guess from the raw arguments starts the scan on the second core
before Typer (the only parser) parses them. The guess may be wrong; the output and exit code must not
depend on it, and a right guess must actually be used."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from support.entry_runs import comparable as _comparable
from support.entry_runs import run_entry as _run

from infractl.entry import guess, head_start

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "webhook-receiver"


def _imported(done: subprocess.CompletedProcess) -> set[str]:
    """The top-level packages a run imported (from -X importtime's lines, which are then dropped: check
    ends with os._exit, so nothing can be asked on the way out)."""
    lines = done.stderr.splitlines(keepends=True)
    done.stderr = "".join(line for line in lines if not line.startswith("import time:"))
    return {line.rsplit("|", 1)[1].strip().split(".")[0] for line in lines if line.startswith("import time:")}


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    """A repository with a bit of everything the datetime walk meets: a rewrite, an excluded directory,
    a broken link, an aware value meeting a naive one, and a test skipped unconditionally."""
    root = tmp_path_factory.mktemp("entry")
    (root / "pyproject.toml").write_text('[tool.infractl.fix_datetime]\nexclude = ["vendor/**"]\n')
    (root / "other.toml").write_text('[fix_datetime]\nexclude = ["app/window.py"]\n')
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
    ["check"],
    ["check", "--json"],
    ["check", "--format", "github"],
    ["check", "--format=sarif"],
    ["check", "--select", "DT", "--json"],
    ["check", "--ignore=DT010", "--ignore", "DT011,DT006"],
    ["check", "--strict"],
    ["check", ".", "--json"],
    ["check", "--config", "pyproject.toml", "."],
    # guesses that are wrong: another config than the one named last, a path that is a flag's value
    ["check", "--config", "other.toml", "--json", "--config=pyproject.toml"],
    ["check", "app", "--select", "vendor"],
    ["check", "--json", "vendor"],
    ["fix-datetime", "--check", "."],
    ["fix-datetime", "--check", "--json", "--config", "other.toml"],
    ["fix-datetime", "--diff", "app", "vendor"],
    ["fix-datetime", "--check", "--exclude", "app/**", "."],
    ["fix-datetime", "--check", "-j", "1"],
    # usage errors: Typer's message, with or without a head start
    ["check", "--selct", "DT"],
    ["check", "--format", "bogus"],
    ["check", "a", "b"],
    ["fix-datetime", "--check", "--config", "."],
]


@pytest.mark.parametrize("args", ARGUMENT_LISTS, ids=" ".join)
def test_the_head_start_changes_no_output(tree, args):
    with_head, without = _run(args, tree), _run(args, tree, head=False)
    assert with_head.returncode == without.returncode, (with_head.stderr, without.stderr)
    assert _comparable(with_head.stdout) == _comparable(without.stdout)
    assert with_head.stderr == without.stderr
    assert with_head.returncode in (0, 1, 2)


def test_on_the_example_both_runs_give_its_findings_and_exit_code():
    with_head, without = (_run(["check", "--json", str(EXAMPLE)], ROOT, head) for head in (True, False))
    assert with_head.returncode == without.returncode == 1
    assert _comparable(with_head.stdout) == _comparable(without.stdout)
    assert len(json.loads(with_head.stdout)["findings"]) > 30


@pytest.mark.parametrize("args, used", [
    (["check", "."], 1),
    (["check", "--config", "pyproject.toml", "--json", "."], 1),
    (["fix-datetime", "--check"], 1),
    (["check", "--config", "other.toml", "."], 0),  # guessed pyproject.toml's excludes: the walks differ
])
def test_a_right_guess_is_used_and_a_wrong_one_is_not(tree, monkeypatch, args, used):
    """In process: the scanner the guess started, handed to the command as Typer parsed it."""
    from infractl.cli.app import run

    monkeypatch.chdir(tree)
    started = head_start([*args[:1], *(arg.replace("other.toml", "pyproject.toml") for arg in args[1:])])
    try:
        assert started is not None
        assert run(list(args), started) in (0, 1)
        assert started.shared_scans == used
    finally:
        started.close()


def test_what_is_guessed(tree, monkeypatch):
    monkeypatch.chdir(tree)
    assert guess([]) == (".", None)
    assert guess(["--json", "app"]) == ("app", None)
    assert guess(["app", "--strict"]) == (".", None)  # the last word is a flag: no guess
    assert guess(["--select", "DT"]) == (".", None)  # not a directory
    assert guess(["--config", "other.toml", "--config=pyproject.toml"]) == (".", "pyproject.toml")
    assert guess(["--config", "missing.toml"]) == (".", None)  # the CLI reports it; the child must not read it
    assert guess(["--config", "app"]) == ("app", None)  # a directory as a flag's value: a wrong guess, harmless


@pytest.mark.parametrize("args", [["rules"], ["check", "--help"], ["fix-datetime", "-j", "1"],
                                  ["fix-datetime", "--jobs=1"], ["deploy", "staging"], ["--version"]])
def test_no_head_start_where_nothing_is_scanned_or_one_process_is_asked(args):
    assert head_start(args) is None


def test_a_clean_tree_loads_neither_libcst_nor_rich(tmp_path):
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
    done = _run(["check", "--json", "."], tmp_path, True, "-X", "importtime")
    imported = _imported(done)
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["areas"] == {"datetime": "3 Python files, 0 with deprecated datetime calls",
                                               "workflows": "0 workflow files, 1 test files",
                                               "migrations": "1 Alembic revisions in migrations/versions",
                                               "monitoring": "nothing found: looked for Prometheus rule files and "
                                                             "Grafana dashboards ([tool.infractl.monitoring]) under .",
                                               "manifests": "nothing found: looked for kustomizations, Dockerfiles "
                                                            "and the compose files beside them ([tool.infractl."
                                                            "manifests] dirs) under .",
                                               "envfiles": "nothing found: looked for .env, *.env and .env.* files "
                                                           "(committed: tracked by git, else not ignored) under .",
                                               "wiremock": "nothing found: looked for mappings/ directories of "
                                                           "WireMock stubs (*.json; [tool.infractl.wiremock] dir) "
                                                           "under ."}
    assert json.loads(done.stdout)["findings"] == []
    assert "typer" in imported  # the one parser
    assert not imported & {"libcst", "rich", "yaml"}  # no rewrite, not a terminal, no YAML input


def test_each_command_parsed_alone_is_the_command_of_the_whole_tree():
    """``_command_tree`` builds only the command the arguments name: its options, help and defaults must
    be those of the same command in the whole tree."""
    from typer._click import Context
    from typer.main import get_command

    from infractl.cli.app import _command_tree, app

    whole = get_command(app)
    for name, command in whole.commands.items():
        alone = _command_tree([name])
        assert list(alone.commands) == [name]
        params = [(p.name, p.opts, p.default, p.required) for p in alone.commands[name].params]
        assert params == [(p.name, p.opts, p.default, p.required) for p in command.params]
        assert alone.commands[name].get_help(Context(alone)) == command.get_help(Context(whole))


def test_usage_errors_come_from_typer(tree):
    done = _run(["check", "--selct", "DT"], tree)
    assert done.returncode == 2 and "--selct" in done.stderr and done.stdout == ""
    assert "Did you mean" in _run(["chek"], tree).stderr  # a misspelled command: the whole tree's hint


INTERRUPTS = {
    "plain": "raise KeyboardInterrupt",
    # CPython 3.11 wraps what a class body's ``__set_name__`` raises: a Ctrl-C landing while a module defines
    # such a class (``functools.cached_property``; seen in ipaddress.py) arrives as this RuntimeError
    "in __set_name__": "raise RuntimeError('Error calling __set_name__') from KeyboardInterrupt()",
}


@pytest.mark.parametrize("how", sorted(INTERRUPTS))
@pytest.mark.parametrize("argv, module", [(["rules"], "infractl.cli"), (["check", "."], "infractl.check.command"),
                                          (["fix-datetime", "--diff", "."], "infractl.cli")])
def test_ctrl_c_while_importing_is_one_line_and_130(tmp_path, argv, module, how):
    """A Ctrl-C that lands while the modules load (the first ~50 ms): no traceback."""
    code = ("import builtins, sys\n"
            "real = builtins.__import__\n"
            "def interrupted(name, *args, **kwargs):\n"
            f"    if name == {module!r}:\n"
            f"        {INTERRUPTS[how]}\n"
            "    return real(name, *args, **kwargs)\n"
            "builtins.__import__ = interrupted\n"
            f"sys.argv = ['infractl', *{argv!r}]\n"
            "from infractl.entry import main\n"
            "main()\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.returncode == 130
    assert done.stderr == "error: interrupted\n" and done.stdout == ""
