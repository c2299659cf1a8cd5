"""The shared rule catalogue, select/ignore, # noqa, SARIF rule metadata, config tables, help width."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from support.cli_commands import every_command
from typer.testing import CliRunner

from infractl import cli
from infractl.config import load_config
from infractl.errors import InfractlError
from infractl.findings import Finding, Severity
from infractl.render import Report, to_sarif
from infractl.rulebook import all_rules
from infractl.rulebook.selection import RuleSelection, drop_noqa, noqa_codes, parse_codes, suppressed_by_noqa

runner = CliRunner()


def test_every_rule_is_documented():
    rules = all_rules()
    assert {"DT101", "DB001"} <= set(rules)
    for rule in rules.values():
        assert rule.id and rule.name and rule.summary and rule.rationale, rule.id
        assert rule.name == rule.name.lower() and " " not in rule.name, rule.id


def test_rules_command_lists_every_rule():
    result = runner.invoke(cli.app, ["rules", "--json"])
    assert result.exit_code == 0
    listed = {rule["id"] for rule in json.loads(result.output)["rules"]}
    assert listed == set(all_rules())


def test_rule_command_explains_and_rejects_unknown_ids():
    result = runner.invoke(cli.app, ["rule", "dt101"])
    assert result.exit_code == 0
    assert "DT101 (aware-meets-naive)" in result.output and "How to fix:" in result.output
    result = runner.invoke(cli.app, ["rule", "DT999"])
    assert result.exit_code == 2
    assert "no rule 'DT999'" in result.output


@pytest.mark.parametrize(("codes", "rule", "enabled"), [
    ((), "DT101", True),
    (("DT1",), "DT101", True),
    (("DT1",), "DT001", False),
    (("ALL",), "DB001", True),
])
def test_select_matches_prefixes(codes, rule, enabled):
    assert RuleSelection(select=codes).enabled(rule) is enabled


def test_ignore_wins_over_select():
    assert not RuleSelection(select=("DT",), ignore=("DT105",)).enabled("DT105")
    assert RuleSelection(select=("DT",), ignore=("DT105",)).enabled("DT101")


def test_codes_that_match_no_rule_are_errors():
    assert parse_codes(["dt1, DB001", "DB"], "--select") == ("DT1", "DB001", "DB")
    with pytest.raises(InfractlError, match="'XX9' matches no rule"):
        parse_codes(["XX9"], "--select")


@pytest.mark.parametrize(("line", "codes"), [
    ("x = 1", None),
    ("x = 1  # noqa", frozenset()),
    ("x = 1  # NOQA:DT101", frozenset({"DT101"})),
    ("x = 1  # noqa: DT101, dtz003", frozenset({"DT101", "DTZ003"})),
    ("x = 1  # noqa: DT101 DB001", frozenset({"DT101", "DB001"})),
])
def test_noqa_comment_forms(line, codes):
    assert noqa_codes(line) == codes


def test_noqa_suppresses_only_the_named_rule_on_its_line():
    assert suppressed_by_noqa("DT101", "a < b  # noqa: DT101")
    assert not suppressed_by_noqa("DT105", "a < b  # noqa: DT101")
    assert suppressed_by_noqa("DT105", "a < b  # noqa")
    lines = ["a = 1  # noqa: DT101", "b = 2"]
    findings = [Finding("f.py", 1, 1, "DT101", Severity.WARNING, "m"), Finding("f.py", 2, 1, "DT101", Severity.WARNING, "m")]
    assert [f.line for f in drop_noqa(findings, lambda path: lines)] == [2]


def test_sarif_rules_carry_their_documentation():
    finding = Finding("app.py", 3, 1, "DT101", Severity.WARNING, "aware meets naive")
    sarif = to_sarif(Report("fix-datetime", [finding]))
    rule = sarif["runs"][0]["tool"]["driver"]["rules"][0]
    assert rule["id"] == "DT101" and rule["name"] == "aware-meets-naive"
    assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
    assert rule["help"]["text"] and "```" in rule["help"]["markdown"]
    assert sarif["runs"][0]["results"][0]["ruleIndex"] == 0


def test_unknown_config_table_is_an_error(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.infractl.fixdatetime]\nmode = 'naive'\n")
    with pytest.raises(InfractlError, match=r"unknown table or key 'fixdatetime'.*\[tool.infractl.fix_datetime\]"):
        load_config(tmp_path)


def test_tool_infractl_inside_infractl_toml_is_an_error(tmp_path):
    (tmp_path / "infractl.toml").write_text("[tool.infractl.db]\nurl = 'x'\n")
    with pytest.raises(InfractlError, match="already \\[tool.infractl\\]"):
        load_config(tmp_path)


def test_unknown_table_fails_the_command_with_exit_2(tmp_path):
    config = tmp_path / "ci.toml"
    config.write_text("[fixdatetime]\nmode = 'naive'\n")
    result = runner.invoke(cli.app, ["fix-datetime", "--check", "--config", str(config), str(tmp_path)])
    assert result.exit_code == 2
    assert "unknown table or key 'fixdatetime'" in result.output


@pytest.mark.parametrize("command", every_command(), ids=lambda c: " ".join(c) or "infractl")
def test_help_reads_cleanly_at_80_columns(command):
    env = {**os.environ, "COLUMNS": "80", "TERM": "dumb"}
    out = subprocess.run([sys.executable, "-m", "infractl", *command, "--help"], capture_output=True, text=True,
                         env=env, check=True).stdout
    for line in out.splitlines():
        assert len(line) <= 80, line
        truncated = line.endswith("...") and not line.startswith("Usage:")  # click's "[ARGS]..." is not a cut
        assert "…" not in line and not truncated, line
        assert not line.rstrip().endswith(("-", "[", "\\")) or line.strip() == "-", line



def test_rules_and_rule_fit_an_80_column_terminal(monkeypatch, capsys):
    """On a terminal, `infractl rules` used to print 120-column lines that the terminal cut mid-word, and
    `infractl rule ID` ended with an unwrapped line; piped, `rules` keeps one line per rule for tools."""
    from infractl.rulebook import info as ruleinfo

    monkeypatch.setattr(ruleinfo, "_terminal_width", lambda: 80)
    ruleinfo.list_rules(None, False)
    lines = capsys.readouterr().out.splitlines()
    assert lines and all(len(line) <= 80 for line in lines), max(lines, key=len)
    ruleinfo.explain_rule("FS001", False)
    out = capsys.readouterr().out
    prose = [line for line in out.split("Triggers it:")[0].splitlines() + out.split("How to fix:")[1].splitlines()]
    assert all(len(line) <= 80 for line in prose), max(prose, key=len)
    assert "(FS001 all count)" not in out
    monkeypatch.setattr(ruleinfo, "_terminal_width", lambda: None)
    ruleinfo.list_rules(None, False)
    piped = capsys.readouterr().out.splitlines()
    assert len(piped) == len(all_rules()) and any(len(line) > 80 for line in piped)


def test_an_alias_works_wherever_its_rule_id_does():
    """`# noqa: DTZ003` suppressed DT010, but `--ignore DTZ003` was 'matches no rule' and
    `infractl rule DTZ003` said there was no such rule: a ruff user's first three tries."""
    assert parse_codes(["dtz003"], "--ignore") == ("DTZ003",)
    assert not RuleSelection(ignore=("DTZ003",)).enabled("DT010")
    assert RuleSelection(ignore=("DTZ003",)).enabled("DT011")
    assert RuleSelection(select=("DTZ004",)).enabled("DT011")
    assert not RuleSelection(select=("DTZ004",)).enabled("DT010")
    result = runner.invoke(cli.app, ["rule", "DTZ003"])
    assert result.exit_code == 0 and result.output.startswith("DT010 ")
