import pytest

from infractl.config import find_config_file, load_config
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
