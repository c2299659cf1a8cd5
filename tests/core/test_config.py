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
