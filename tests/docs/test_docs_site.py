"""The docs site builds in strict mode (a broken link or a stale generated page fails the build), and
its pages render in a real browser: headless Chromium shows the rules index and a rule page with its
example and the fixed example."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest
from docsgen import REPO

from infractl.rulebook import get_rule

BUILD_TIMEOUT = 300


def _needs_mkdocs() -> None:
    if importlib.util.find_spec("mkdocs") is None or importlib.util.find_spec("material") is None:
        pytest.skip("mkdocs and mkdocs-material are not installed (pip install -e '.[test]')")


def _build(project: Path, site: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
                          cwd=project, env=env, check=False, capture_output=True, text=True, timeout=BUILD_TIMEOUT)


def _copy_project(tmp_path: Path) -> Path:
    """The site's sources in a scratch directory, to break them there."""
    project = tmp_path / "project"
    shutil.copytree(REPO / "docs", project / "docs")
    for name in ("mkdocs.yml", "ARCHITECTURE.md", "CONTRIBUTING.md"):
        shutil.copy(REPO / name, project / name)
    return project


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    _needs_mkdocs()
    site = tmp_path_factory.mktemp("site")
    result = _build(REPO, site)
    assert result.returncode == 0, result.stderr[-3000:]
    return site


def test_the_site_builds_strictly_with_a_page_for_each_command_and_rule_family(site):
    from docsgen import load_gen

    gen = load_gen()
    for page in ("index", "shared", "speed", "proof", "architecture", "contributing", "rules/index",
                 *(f"commands/{name}" for name in ("check", "fix-datetime", "verify-db", "lint-ci", "fix-skips",
                                                   "manifests-lint", "wiremock", "deploy", "rules")),
                 *(f"rules/{gen.slug(command)}" for command in gen.rules_by_command())):
        assert (site / f"{page}.html").is_file(), page
    # the included pages and generated tables are in the built pages, not left as include lines
    architecture = (site / "architecture.html").read_text()
    assert "one pipeline" in architecture.lower() and "--8&lt;--" not in architecture
    check = (site / "commands" / "check.html").read_text()
    assert "<code>--select</code>" in check and "--8&lt;--" not in check
    assert "<code>areas</code>" in check  # [tool.infractl.check]'s keys, from check.command.CONFIG_KEYS


def test_a_broken_link_fails_the_strict_build(tmp_path):
    _needs_mkdocs()
    project = _copy_project(tmp_path)
    with (project / "docs" / "shared.md").open("a") as page:
        page.write("\nSee [the missing page](commands/no-such-command.md).\n")
    result = _build(project, tmp_path / "site")
    assert result.returncode != 0
    assert "no-such-command.md" in result.stderr


def test_a_stale_generated_page_fails_the_build(tmp_path):
    _needs_mkdocs()
    project = _copy_project(tmp_path)
    page = project / "docs" / "rules" / "fix-skips.md"
    page.write_text(page.read_text().replace("## FS002", "## FS002 (edited by hand)"))
    result = _build(project, tmp_path / "site")
    assert result.returncode != 0
    assert "stale generated pages (rules/fix-skips.md)" in result.stderr


def _rendered(page: Path) -> str:
    """The page's DOM after Chromium loaded it and ran its scripts."""
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("Debian's chromium is not installed (scripts/test.sh installs it)")
    result = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                             "--dump-dom", page.as_uri()], check=False, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_chromium_renders_the_rules_index_and_a_rule_page_with_its_examples(site):
    index = _rendered(site / "rules" / "index.html")
    assert '<a href="fix-skips.html#fs001">FS001</a>' in index
    assert '<a href="manifests-lint.html#' in index
    rule = get_rule("FS001")
    page = _rendered(site / "rules" / "fix-skips.html")
    section = unescape(page.split('id="fs001"', 1)[1].split('id="fs002"', 1)[0])
    assert "Why." in section and rule.rationale in section
    code_blocks = [block.split(">", 1)[1].split("</code>", 1)[0] for block in section.split("<code")[1:]]
    assert rule.bad in code_blocks and rule.good in code_blocks
    # Material's script ran in the browser: it adds a copy button to each code block (the built file has none)
    assert 'md-code__button' in page and "md-code__button" not in (site / "rules" / "fix-skips.html").read_text()
