import re

import pytest

from infractl.config import SECTIONS, find_config_file, load_config
from infractl.errors import InfractlError


def test_nearest_pyproject_with_infractl_table(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.infractl.db]\nurl = "postgresql://x@h/d"\n')
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    (tmp_path / "a" / "pyproject.toml").write_text('[project]\nname = "no-infractl-here"\n')
    config = load_config(nested)
    assert config.source == tmp_path / "pyproject.toml"
    assert config.section("db") == {"url": "postgresql://x@h/d"}
    assert config.section("fix_datetime") == {}
    assert config.root == tmp_path


def test_infractl_toml_wins_in_the_same_directory(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.infractl.db]\nurl = 'a'\n")
    (tmp_path / "infractl.toml").write_text("[fix-datetime]\nmode = 'naive'\n")
    config = load_config(tmp_path)
    assert config.source.name == "infractl.toml"
    assert config.section("fix_datetime") == {"mode": "naive"}


def test_no_config_is_empty(tmp_path):
    assert find_config_file(tmp_path) is None
    config = load_config(tmp_path)
    assert config.data == {} and config.source is None
    assert config.section("db") == {}


def test_invalid_toml_is_a_one_line_error(tmp_path):
    (tmp_path / "infractl.toml").write_text("this is = = not toml")
    with pytest.raises(InfractlError, match="invalid TOML"):
        load_config(tmp_path)


def test_section_must_be_a_table(tmp_path):
    (tmp_path / "infractl.toml").write_text("db = 3\n")
    with pytest.raises(InfractlError, match="must be a table"):
        load_config(tmp_path).section("db")


def test_unknown_keys_are_named_with_the_known_ones():
    from infractl.config import reject_unknown_keys

    reject_unknown_keys({"url": "x"}, ["url", "schemas"], "[tool.infractl.db]")
    with pytest.raises(InfractlError, match=r"\[tool.infractl.db\]: unknown keys 'a', 'b' \(known: schemas, url\)"):
        reject_unknown_keys({"b": 1, "a": 2, "url": 3}, ["url", "schemas"], "[tool.infractl.db]")


def test_string_list_accepts_a_lone_string_and_rejects_the_rest():
    from infractl.config import string_list

    assert string_list({}, "exclude", "t", ("d",)) == ("d",)
    assert string_list({"exclude": "a/**"}, "exclude", "t") == ("a/**",)
    assert string_list({"exclude": ["a", "b"]}, "exclude", "t") == ("a", "b")
    for bad in (3, ["a", 1], [""]):
        with pytest.raises(InfractlError, match="exclude must be a list of non-empty strings"):
            string_list({"exclude": bad}, "exclude", "t")


# Tables whose name has an underscore can be spelled as their command is ([tool.infractl.lint-ci]):
# every message about such a table names it as the user wrote it, from its own command and from `check`.
HYPHENABLE = [name for name in SECTIONS if "_" in name]
SPELLINGS = [(table, spelled) for table in HYPHENABLE for spelled in (table, table.replace("_", "-"))]


def _run(*args):
    from typer.testing import CliRunner

    from infractl import cli

    return CliRunner().invoke(cli.app, list(args))


def _other_spelling(spelled: str) -> str:
    return spelled.replace("_", "-") if "_" in spelled else spelled.replace("-", "_")


@pytest.mark.parametrize(("table", "spelled"), SPELLINGS, ids=[s for _, s in SPELLINGS])
def test_an_unknown_key_names_the_table_as_written(tmp_path, table, spelled):
    from infractl import cli

    assert table.replace("_", "-") in {c.name for c in cli.app.registered_commands}  # its command's name
    from infractl.check.areas import REGISTRY, declared

    (tmp_path / "pyproject.toml").write_text(f"[tool.infractl.{spelled}]\nno_such_key = 1\n")
    checked_by_check = table in {declared(name).table for name in REGISTRY}
    for command in (table.replace("_", "-"), *["check"] * checked_by_check):
        result = _run(command, str(tmp_path))
        assert result.exit_code == 2, (command, result.output)
        assert f"[tool.infractl.{spelled}]: unknown key 'no_such_key'" in result.output, (command, result.output)
        assert f"[tool.infractl.{_other_spelling(spelled)}]" not in result.output, command
        assert f"error: {tmp_path / 'pyproject.toml'}: [tool.infractl.{spelled}]" in result.output, command


# Each area's table, and the command that reads it: (table, command line, a key that table does not know)
READERS = [("db", ["verify-db", "--migrations", "."]), ("monitoring", ["check"]), ("manifests", ["manifests", "lint"]),
           ("wiremock", ["wiremock", "validate"]), ("check", ["check"]), ("deploy", ["deploy", "staging", "--dry-run=client"])]


@pytest.mark.parametrize(("table", "command"), READERS, ids=[table for table, _ in READERS])
def test_a_configuration_error_names_its_file(tmp_path, monkeypatch, table, command):
    """Messages about a table's contents name the file too: a user may have an infractl.toml here and a
    pyproject.toml above, and must know which one to open."""
    config = tmp_path / "infractl.toml"
    config.write_text(f"[{table}]\nno_such_key = 1\n" if table != "deploy"
                      else '[deploy.staging]\nkind = "compose"\nno_such_key = 1\n')
    monkeypatch.chdir(tmp_path)
    result = _run(*command)
    assert result.exit_code == 2, (command, result.output)
    [line] = result.output.splitlines()
    assert line.startswith(f"error: {config}: [tool.infractl.{table}"), line
    assert "no_such_key" in line, line


@pytest.mark.parametrize("spelled", ["lint_ci", "lint-ci"])
def test_a_bad_value_names_the_table_as_written(tmp_path, spelled):
    (tmp_path / "pyproject.toml").write_text(f'[tool.infractl.{spelled}]\nactionlint = "/no/such/actionlint"\n')
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "ci.yml").write_text("on: push\njobs: {}\n")
    # lint-ci stops (exit 2); check reports the area as failed (CHK001, exit 1) and goes on with the others
    for command, code in (("lint-ci", 2), ("check", 1)):
        result = _run(command, str(tmp_path))
        assert result.exit_code == code, (command, result.output)
        assert f"[tool.infractl.{spelled}]: actionlint '/no/such/actionlint' not found" in result.output, command
    (tmp_path / "pyproject.toml").write_text(f'[tool.infractl.{spelled}]\nactionlint = 3\n')
    for command, code in (("lint-ci", 2), ("check", 1)):  # check passed the 3 to Path(): an internal error
        result = _run(command, str(tmp_path))
        assert result.exit_code == code, (command, result.output)
        assert f"[tool.infractl.{spelled}]: actionlint must be a path" in result.output, command


@pytest.mark.parametrize("spelled", ["fix_datetime", "fix-datetime"])
def test_fix_datetime_values_name_the_table_as_written(tmp_path, spelled):
    (tmp_path / "infractl.toml").write_text(f"[{spelled}]\nmode = 'bogus'\n")
    result = _run("fix-datetime", "--check", str(tmp_path))
    assert result.exit_code == 2
    assert f"[tool.infractl.{spelled}]: mode must be one of" in result.output


@pytest.mark.parametrize(("table", "spelled"), SPELLINGS, ids=[s for _, s in SPELLINGS])
def test_a_table_that_is_not_a_table_is_named_as_written(tmp_path, table, spelled):
    (tmp_path / "infractl.toml").write_text(f'"{spelled}" = 3\n')
    config = load_config(tmp_path)
    assert config.where(table) == f"[tool.infractl.{spelled}]"
    with pytest.raises(InfractlError, match=re.escape(f"[tool.infractl.{spelled}] must be a table")):
        config.section(table)


@pytest.mark.parametrize("table", HYPHENABLE)
def test_both_spellings_of_one_table_are_an_error(tmp_path, table):
    """Only one would be read and the other silently ignored."""
    hyphenated = table.replace("_", "-")
    (tmp_path / "pyproject.toml").write_text(f"[tool.infractl.{table}]\n[tool.infractl.{hyphenated}]\n")
    with pytest.raises(InfractlError, match=re.escape(f"[tool.infractl.{table}] and [tool.infractl.{hyphenated}] "
                                                      "are the same table")):
        load_config(tmp_path)
