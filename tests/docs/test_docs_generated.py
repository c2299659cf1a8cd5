"""The generated pages of the docs site are current and cover the code: every rule `infractl rules` lists,
every command's flags, every [tool.infractl.*] table's keys."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from docsgen import REPO, load_gen

gen = load_gen()


def test_the_committed_generated_pages_are_what_the_code_gives_now():
    assert gen.stale_pages() == [], "run `python docs/gen.py` and commit the pages"


def test_a_changed_rule_makes_its_page_stale(monkeypatch):
    from infractl.rulebook import all_rules

    rules = dict(all_rules())
    rules["FS002"] = rules["FS002"].replace(summary="a summary the committed page does not have")
    monkeypatch.setattr("infractl.rulebook.all_rules", lambda: rules)
    assert gen.stale_pages() == ["rules/fix-skips.md", "rules/index.md"]


def test_the_check_script_exits_1_naming_a_stale_page(tmp_path):
    copy = tmp_path / "docs"
    copy.mkdir()
    (copy / "gen.py").write_bytes((REPO / "docs" / "gen.py").read_bytes())
    result = subprocess.run([sys.executable, str(copy / "gen.py"), "--check"], check=False, capture_output=True, text=True,
                            cwd=tmp_path, timeout=120)
    assert result.returncode == 1
    assert "docs/rules/fix-skips.md: stale" in result.stderr


def _cli_rule_ids() -> list[str]:
    result = subprocess.run([sys.executable, "-m", "infractl", "rules"], check=False, capture_output=True, text=True,
                            timeout=120, cwd=REPO)
    assert result.returncode == 0, result.stderr
    return [line.split()[0] for line in result.stdout.splitlines() if line.strip()]


def test_the_rule_reference_has_a_section_for_every_rule_infractl_rules_lists():
    listed = _cli_rule_ids()
    assert len(listed) > 100
    sections = {}
    for page in (REPO / "docs" / "rules").glob("*.md"):
        if page.name == "index.md":
            continue
        for rule_id, anchor in re.findall(r"^## (\S+): \S+ \{#(\S+)\}$", page.read_text(), re.MULTILINE):
            assert anchor == rule_id.lower()
            sections[rule_id] = page.name
    assert sorted(sections) == sorted(listed)
    index = (REPO / "docs" / "rules" / "index.md").read_text()
    linked = re.findall(r"^\| \[(\S+)\]\((\S+)#(\S+)\) \|", index, re.MULTILINE)
    assert sorted(rule_id for rule_id, _, _ in linked) == sorted(listed)
    assert all(sections[rule_id] == page and anchor == rule_id.lower() for rule_id, page, anchor in linked)


def test_each_rule_section_shows_why_the_example_and_its_fix():
    from infractl.rulebook import all_rules

    for rule in all_rules().values():
        page = (REPO / "docs" / "rules" / f"{gen.slug(rule.command)}.md").read_text()
        section = page.split(f"\n## {rule.id}: ", 1)[1].split("\n## ", 1)[0]
        assert "- Fix safety: " in section and rule.rationale in section, rule.id
        for example in (rule.bad, rule.good):
            assert example.rstrip("\n") in section, rule.id
        if rule.fix:
            assert rule.fix in section, rule.id


def test_every_command_has_a_flag_table_naming_each_of_its_flags_and_a_page_that_includes_it():
    included = "\n".join(page.read_text() for page in (REPO / "docs").rglob("*.md"))
    commands = gen.leaf_commands()
    assert {"check", "fix-datetime", "manifests lint", "wiremock up", "deploy"} <= set(commands)
    for words, command in commands.items():
        name = gen.slug(words)
        table = (REPO / "docs" / "_generated" / "flags" / f"{name}.md").read_text()
        for param in command.params:
            for opt in param.opts if param.param_type_name == "option" else ():
                assert f"`{opt}`" in table, (words, opt)
        assert f'--8<-- "docs/_generated/flags/{name}.md"' in included, words


@pytest.mark.parametrize("table", ["fix_datetime", "db", "lint_ci", "fix_skips", "monitoring", "check",
                                   "manifests", "wiremock", "deploy"])
def test_every_config_table_lists_the_keys_its_command_accepts_and_a_page_includes_it(table):
    from infractl.config import SECTIONS

    assert table in SECTIONS
    name = gen.slug(table)
    text = (REPO / "docs" / "_generated" / "config" / f"{name}.md").read_text()
    for _, reference in gen.CONFIG_TABLES[table]:
        from infractl.check.protocol import resolve

        for key in resolve(reference):
            assert f"`{key}`" in text, (table, key)
    included = "\n".join(page.read_text() for page in (REPO / "docs" / "commands").glob("*.md"))
    assert f'--8<-- "docs/_generated/config/{name}.md"' in included


def test_a_config_table_the_generator_does_not_know_is_an_error(monkeypatch):
    monkeypatch.setattr("infractl.config.SECTIONS", ("fix_datetime", "brand_new"))
    with pytest.raises(RuntimeError, match=r"\[tool.infractl.brand_new\]"):
        gen.config_pages()
