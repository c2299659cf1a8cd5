"""README.md is the short front door (issue 20): under 200 lines, the repository's two set-up commands and a
real `infractl check` result on its first screen, no install line that would fetch the unrelated PyPI
project called infractl, and every relative link leading to a file that exists (on GitHub and in a checkout)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from itertools import pairwise

import pytest
from docsgen import REPO

README = REPO / "README.md"
FIRST_SCREEN = 40
# check/command.py's headline plus the severity counts: "PATH: N of M areas apply (a, b): X errors, Y warnings, Z info"
SUMMARY = re.compile(r"^examples/webhook-receiver: \d+ of \d+ areas apply \([a-z, ]+\): "
                     r"\d+ errors?, \d+ warnings?, \d+ info$")
# pip/pipx/uv installing the bare name (optionally with extras or a version), not a path, URL or git+ spec
BARE_INSTALL = re.compile(r"\b(?:pipx|pip3?|uv pip|uv tool)\s+install\s+(?:-{1,2}[\w-]+\s+)*['\"]?infractl"
                          r"(?:\[[\w,-]*\])?(?:[=<>~!]=?[\w.*]+)?['\"]?(?![\w./:@+\[-]|\s*@)")
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _lines() -> list[str]:
    return README.read_text(encoding="utf-8").splitlines()


def test_the_readme_is_under_200_lines():
    assert len(_lines()) < 200


def test_the_first_screen_has_the_two_setup_commands_and_a_check_summary_line():
    first = _lines()[:FIRST_SCREEN]
    commands = [line.split("#")[0].strip() for line in first]
    assert "./scripts/demo.sh" in commands and "./scripts/test.sh" in commands
    for script in ("demo.sh", "test.sh"):
        assert os.access(REPO / "scripts" / script, os.X_OK), script
    assert [line for line in first if SUMMARY.match(line)], "no `infractl check` summary line in the first 40 lines"


@pytest.fixture(scope="module")
def check_output() -> list[str]:
    """What `infractl check examples/webhook-receiver` prints today (not a terminal: plain lines)."""
    result = subprocess.run([sys.executable, "-m", "infractl", "check", "examples/webhook-receiver"], cwd=REPO,
                            check=False, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1, result.stderr
    return result.stdout.splitlines()


def test_the_summary_line_shown_is_what_check_prints_on_the_example_today(check_output):
    shown = next(line for line in _lines() if SUMMARY.match(line))
    printed = [line for line in check_output if SUMMARY.match(line)]
    assert printed == [shown], f"README.md shows {shown!r}; paste the real one: {printed}"


def test_the_findings_shown_are_lines_check_prints_on_the_example(check_output):
    lines = _lines()
    shown = [(line, lines[i + 1]) for i, line in enumerate(lines) if line.startswith("examples/webhook-receiver/")]
    assert len(shown) >= 3
    pairs = set(pairwise(check_output))  # each finding with its fix line under it
    assert [pair for pair in shown if pair not in pairs] == []


def test_nothing_tells_anyone_to_pip_install_the_bare_name():
    # every page, the generated ones (made from the code's own text: AL000's fix, ci-snippet's output) too
    for page in (README, *sorted((REPO / "docs").rglob("*.md")), REPO / "CONTRIBUTING.md"):
        text = page.read_text(encoding="utf-8")
        found = BARE_INSTALL.findall(text)
        assert found == [], f"{page.relative_to(REPO)}: {found}"
    # the pattern itself does catch the bare name, and leaves a checkout or a git URL alone
    assert BARE_INSTALL.search("run `pip install infractl` first")
    assert BARE_INSTALL.search("pipx install 'infractl[docs]'")
    assert not BARE_INSTALL.search("pip install -e .") and not BARE_INSTALL.search("pip install 'git+https://x/infractl'")
    assert not BARE_INSTALL.search("pip install 'infractl[actionlint] @ git+https://x/infractl'")
    assert re.search(r"PyPI\s+belongs\s+to\s+an\s+unrelated\s+project", README.read_text(encoding="utf-8"))


def test_every_relative_link_in_the_readme_points_at_a_file_that_exists():
    targets = LINK.findall(README.read_text(encoding="utf-8"))
    relative = [t for t in targets if not re.match(r"[a-z][a-z+.-]*:", t) and not t.startswith("#")]
    assert len(relative) >= 10  # the docs pages are linked from the README
    missing = [t for t in relative if not (README.parent / t.split("#")[0]).is_file()]
    assert missing == []
