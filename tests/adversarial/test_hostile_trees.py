"""Every file-walking command, end to end (``python -m infractl``), on a tree of hostile names, loops, a
dangling link and a hard link (support/hostile_tree.py), and on inputs it may not read (as a user
without root's DAC override). Each run: bounded in time and address space, an exit code of the
documented set, no internal error, no raw control character and no workflow-command line in stdout or
stderr (but our own annotations), and no finding lost.

Runs use PYTHONIOENCODING=utf-8, a strict stdout as many CI images set it: an unescaped non-UTF-8 file
name there is a UnicodeEncodeError, where a C locale's surrogateescape would print the raw byte.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import unicodedata
from pathlib import Path

import pytest
from support import hostile_tree
from support.hostile_tree import run_bounded

COMMANDS = {"check": ["check"], "fix-datetime": ["fix-datetime", "--check"], "lint-ci": ["lint-ci"],
            "fix-skips": ["fix-skips", "--check"]}
FORMATS = {"plain": [], "github": ["--format", "github"], "json": ["--json"]}
BIDI_CONTROLS = {"\u061c", "\u200e", "\u200f", *map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A))}


def run(root: Path, command: str, fmt: str) -> subprocess.CompletedProcess:
    return run_bounded(root, [*COMMANDS[command], *FORMATS[fmt], "."])


def printable(stream: bytes, name: str) -> str:
    """The stream as text, after checking it holds nothing a terminal or a log would act on."""
    text = stream.decode("utf-8")  # strict: a raw non-UTF-8 byte is a name that was not escaped
    odd = {c for c in text if c != "\n" and (unicodedata.category(c) in ("Cc", "Zl", "Zp") or c in BIDI_CONTROLS)}
    assert not odd, f"raw control characters {sorted(odd)} in {name}:\n{text}"
    return text


def assert_well_behaved(result: subprocess.CompletedProcess, fmt: str) -> tuple[str, str]:
    out, err = printable(result.stdout, "stdout"), printable(result.stderr, "stderr")
    assert "internal error" not in err and "Traceback" not in err, err
    assert result.returncode in (0, 1, 2), (result.returncode, err)
    if result.returncode == 2:
        assert len(err.splitlines()) == 1, err  # a usage or environment error is one line
    for line in out.splitlines():
        if fmt == "github":
            assert re.match(r"::(error|warning|notice) [^\n]*::", line), line
        else:
            assert not line.lstrip().startswith("::"), line
    assert not any(line.lstrip().startswith("::") for line in err.splitlines()), err
    return out, err


def counts(out: str, fmt: str) -> dict[str, int]:
    """Findings per rule, read from the output as a user's tool would read it."""
    if fmt == "json":
        rules = [finding["rule"] for finding in json.loads(out)["findings"]]
    elif fmt == "github":
        rules = re.findall(r"^::\w+ .*?title=(\w+)::", out, re.MULTILINE)
    else:
        rules = re.findall(r"^\S.*?: ([A-Z]+\d+) (?:error|warning|info) ", out, re.MULTILINE)
    return {rule: rules.count(rule) for rule in set(rules)}


@pytest.fixture(scope="module")
def hostile_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile") / "repo"
    hostile_tree.build(root)
    return root


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("command", COMMANDS)
def test_hostile_names_loops_and_links_through_every_command(hostile_root, command, fmt):
    before = snapshot(hostile_root)
    result = run(hostile_root, command, fmt)
    out, _ = assert_well_behaved(result, fmt)
    assert result.returncode == 1  # the tree has error findings in every command's area
    found = counts(out, fmt)
    for rule, expected in hostile_tree.EXPECTED[command].items():
        assert found.get(rule, 0) == expected, (rule, found, out)
    assert snapshot(hostile_root) == before  # --check and check change nothing


def snapshot(root: Path) -> dict[bytes, bytes]:
    """Every regular file's bytes, by path (bytes: names that are not UTF-8 included)."""
    files = {}
    for directory, _, names in os.walk(os.fsencode(root)):
        for name in names:
            path = os.path.join(directory, name)
            if os.path.isfile(path) and not os.path.islink(path):
                with open(path, "rb") as handle:
                    files[path] = handle.read()
    return files


UNREADABLE_CASES = [
    ("check", "file"), ("check", "directory"), ("check", "workflow"),
    ("fix-datetime", "file"), ("fix-datetime", "directory"),
    ("lint-ci", "file"),
    ("lint-ci", "directory"),
    ("lint-ci", "workflow"),
    ("fix-skips", "file"),
    ("fix-skips", "directory"),
]


@pytest.mark.parametrize(("command", "kind"), UNREADABLE_CASES)
def test_an_unreadable_input_is_a_finding_and_nothing_else_is_lost(tmp_path, command, kind):
    """As a user who may not read it: a finding on that input (never the end of the run, never silence),
    and every readable input's findings as without it."""
    root = tmp_path / "repo"
    hostile_tree.build(root)
    unreadable = hostile_tree.add_unreadable(root, kind)
    try:
        result = run(root, command, "json")
    finally:
        hostile_tree.make_removable(root)
    out, err = assert_well_behaved(result, "json")
    assert result.returncode == 1, (result.returncode, err)
    findings = json.loads(out)["findings"]
    about_it = [f for f in findings if unreadable in f["path"] or unreadable in f["message"]]
    assert about_it and all(f["severity"] in ("error", "warning") for f in about_it), findings
    found = [f["rule"] for f in findings if f not in about_it]
    for rule, expected in hostile_tree.EXPECTED[command].items():
        assert found.count(rule) == expected, (rule, found)
