"""``check``'s workflows area: ``lint-ci`` over the repository (areas.py says what an area is)."""

from __future__ import annotations

from pathlib import Path

from infractl.check.protocol import Area


def collect(root: Path, config, scanner):
    """The workflows and test files under ``root`` (or as [tool.infractl.lint_ci] names them), linted by
    the command's own ``collect``; None when there are neither."""
    from infractl.config import string_list
    from infractl.lint_ci.command import collect as lint_ci
    from infractl.lint_ci.command import configured_tools

    section, where = config.section("lint_ci"), config.where("lint_ci")
    configured = string_list(section, "workflows", where)
    tests = string_list(section, "tests", where)
    exclude = string_list(section, "exclude", where)
    report = lint_ci(root, configured, tests, configured_tools(section, where), exclude, scanner)
    if not report.summary["workflows"] and not report.summary["test_files"]:
        return None
    return report


AREA = Area("workflows", "lint_ci", "infractl.lint_ci.command:CONFIG_KEYS", collect,
            looked_for=".github/workflows/*.yml and test files in tests/ or test/ "
                       "([tool.infractl.lint_ci] workflows, tests)")
