"""The fix engine (infractl/fixing/) on a toy rule family whose every move is visible: a fix is kept only
when the check run again drops its finding, fixes that overlap wait for the next pass, a fix that does not
work or that flips back and forth is reverted (FIX002), a crashing fixer is FIX003, a refused write is
FIX001 and its findings stay, unsafe fixes wait for --unsafe-fixes, and a tree with nothing to fix is
never copied. The real rules' fixes are run by tests/core/test_rule_cases.py and test_fix_command.py."""

from __future__ import annotations

import json
import os
import re
import signal
from pathlib import Path

import pytest

from infractl.findings import Finding, Severity
from infractl.fixes import Change, Edit, line_offsets
from infractl.fixing import engine, outcome
from infractl.fixing.engine import run_fixes
from infractl.fixing.outcome import write
from infractl.rulebook import Rule

WORD = re.compile(r"\b(bad|worse|flip|flop|boom|risky)\b")


def _rule(rule_id: str, fixer: str, safety: str = "safe") -> Rule:
    return Rule(id=rule_id, name=rule_id.lower(), severity=Severity.ERROR, command="check", summary="s",
                rationale="r", fix_safety=safety, fixer=f"{__name__}:{fixer}", no_cases="toy")


TOY = {"TOY001": _rule("TOY001", "to_good"), "TOY002": _rule("TOY002", "does_nothing_useful"),
       "TOY003": _rule("TOY003", "flip_flop"), "TOY004": _rule("TOY004", "explodes"),
       "TOY005": _rule("TOY005", "to_good", "unsafe"), "TOY006": _rule("TOY006", "flip_flop")}
RULE_OF = {"bad": "TOY001", "worse": "TOY002", "flip": "TOY003", "flop": "TOY006", "boom": "TOY004",
           "risky": "TOY005"}


@pytest.fixture(autouse=True)
def toy_rules(monkeypatch):
    monkeypatch.setattr(engine, "get_rule", TOY.get)


def toy_check(target: Path) -> list[Finding]:
    """Every toy word in every .txt file under ``target`` is a finding on it."""
    found = []
    for path in sorted(Path(target).rglob("*.txt")):
        text = path.read_text()
        for match in WORD.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
            # built here, not through Rule.finding: the toy ids are no catalogue's (tests/support/emitted.py)
            found.append(Finding(str(path), line, column, RULE_OF[match.group()], Severity.ERROR, match.group()))
    return found


def _span(text: str, finding: Finding) -> tuple[int, int]:
    start = line_offsets(text)[finding.line - 1] + finding.column - 1
    return start, WORD.match(text, start).end()


def to_good(text, finding):
    start, end = _span(text, finding)
    return Change((Edit(start, end, "good"),), note="made good")


def does_nothing_useful(text, finding):
    start, end = _span(text, finding)
    return Change((Edit(start, end, "worse "),))  # the word stays: the finding stays


def flip_flop(text, finding):
    start, end = _span(text, finding)
    return Change((Edit(start, end, "flop" if text[start:end] == "flip" else "flip"),))


def explodes(text, finding):
    raise RuntimeError("fixer bug")


def tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    return tmp_path


def fix(root: Path, unsafe: bool = False):
    result = run_fixes(toy_check(root), root, toy_check, unsafe)
    return result, write(result.files, root)


def test_a_fix_is_kept_written_and_only_its_bytes_change(tmp_path):
    root = tree(tmp_path, {"a.txt": "keep\r\nbad bad\r\n# tail, no newline", "b.txt": "clean\n"})
    before_b = os.stat(root / "b.txt")
    result, refused = fix(root)
    assert refused == [] and [f.rule for f, _ in result.fixed] == ["TOY001", "TOY001"]
    assert (root / "a.txt").read_bytes() == b"keep\r\ngood good\r\n# tail, no newline"
    assert os.stat(root / "b.txt").st_mtime_ns == before_b.st_mtime_ns  # untouched file: not even rewritten
    assert [f for f in result.remaining] == []
    again, _ = fix(root)
    assert again.files == [] and again.fixed == []


def test_overlapping_fixes_wait_for_the_next_pass(tmp_path, monkeypatch):
    calls = []

    def whole_line(text, finding):  # every finding's fix rewrites the whole line: they all overlap
        calls.append(finding.column)
        start = line_offsets(text)[finding.line - 1]
        end = text.index("\n", start)
        line = text[start:end]
        return Change((Edit(start, end, line.replace("bad", "good", 1)),))

    monkeypatch.setattr(engine, "fixer_of", lambda rule: whole_line)
    root = tree(tmp_path, {"a.txt": "bad bad bad\n"})
    result, _ = fix(root)
    assert (root / "a.txt").read_text() == "good good good\n"
    assert len(result.fixed) == 3 and result.remaining == []
    # pass 1 asks all three and applies the first (they overlap); the others come back at their new place
    assert calls == [1, 5, 9, 6, 10, 11]


def test_a_fix_that_leaves_its_finding_is_reverted(tmp_path):
    root = tree(tmp_path, {"a.txt": "worse\nbad\n"})
    result, _ = fix(root)
    assert (root / "a.txt").read_text() == "worse\ngood\n"  # TOY001's fix kept, TOY002's undone
    assert sorted(f.rule for f in result.remaining) == ["FIX002", "TOY002"]
    assert "TOY002 did not remove its finding" in next(f.message for f in result.remaining if f.rule == "FIX002")


def test_fixes_that_flip_back_and_forth_are_undone(tmp_path):
    """TOY003 turns flip into flop (its finding goes), TOY006 flop into flip (its finding goes): the third
    pass would bring back a text the file had, so the file goes back to its original and stays there."""
    root = tree(tmp_path, {"a.txt": "flip\n"})
    result, _ = fix(root)
    assert (root / "a.txt").read_text() == "flip\n" and result.files == [] and result.fixed == []
    assert sorted(f.rule for f in result.remaining) == ["FIX002", "TOY003"]
    assert "undoing each other" in next(f.message for f in result.remaining if f.rule == "FIX002")


def test_a_fixer_that_crashes_is_an_error_finding_and_the_rest_is_fixed(tmp_path):
    root = tree(tmp_path, {"a.txt": "boom bad\n"})
    result, _ = fix(root)
    assert (root / "a.txt").read_text() == "boom good\n"
    crash = [f for f in result.remaining if f.rule == "FIX003"]
    assert len(crash) == 1 and "RuntimeError: fixer bug" in crash[0].message
    assert "TOY004" in {f.rule for f in result.remaining}  # its finding stays


def test_unsafe_fixes_wait_for_unsafe_fixes_and_are_counted(tmp_path):
    root = tree(tmp_path, {"a.txt": "risky bad\n"})
    result, _ = fix(root)
    assert (root / "a.txt").read_text() == "risky good\n" and result.unsafe_available == 1
    result, _ = fix(root, unsafe=True)
    assert (root / "a.txt").read_text() == "good good\n" and result.unsafe_available == 0


def test_nothing_to_fix_copies_nothing_and_checks_once(tmp_path, monkeypatch):
    root = tree(tmp_path, {"a.txt": "fine\n", "b.txt": "worse is fine too\n"})
    monkeypatch.setitem(TOY, "TOY002", TOY["TOY002"].replace(fixer="", fix_safety=""))

    def no_copy(*args):
        raise AssertionError("a tree with nothing to fix must not be copied")

    monkeypatch.setattr(engine, "Workspace", no_copy)
    rechecks = []
    result = run_fixes(toy_check(root), root, lambda p: rechecks.append(p) or [], False)
    assert rechecks == [] and [f.rule for f in result.remaining] == ["TOY002"]


def test_a_file_changed_meanwhile_is_not_overwritten_and_keeps_its_findings(tmp_path):
    root = tree(tmp_path, {"a.txt": "bad\n"})

    def recheck_while_someone_edits(target):
        (root / "a.txt").write_text("bad, edited by someone else\n")
        return toy_check(target)

    findings = toy_check(root)
    result = run_fixes(findings, root, recheck_while_someone_edits)
    refused = write(result.files, root)
    assert (root / "a.txt").read_text() == "bad, edited by someone else\n"
    assert [f.rule for f in refused] == ["FIX001"] and "changed since it was read" in refused[0].message


def test_files_outside_the_target_are_not_fixed(tmp_path):
    inside, outside = tmp_path / "in", tmp_path / "out"
    inside.mkdir()
    outside.mkdir()
    (outside / "a.txt").write_text("bad\n")
    (inside / "b.txt").write_text("bad\n")
    findings = toy_check(inside) + toy_check(outside)
    result = run_fixes(findings, inside, toy_check)
    write(result.files, inside)
    assert (outside / "a.txt").read_text() == "bad\n" and (inside / "b.txt").read_text() == "good\n"
    assert [f.path for f in result.remaining] == [str(outside / "a.txt")]


def test_ctrl_c_while_writing_leaves_every_file_whole(tmp_path, monkeypatch):
    """SIGINT lands while the second of five files is written: that write finishes, the run stops before
    the third, and each file is wholly old or wholly new, with no temp file left behind."""
    root = tree(tmp_path, {f"{n}.txt": "bad\n" * 200 for n in range(5)})
    result = run_fixes(toy_check(root), root, toy_check)
    from infractl import fsio

    real_write, written = fsio.write_if_unchanged, []

    def write_then_interrupt(path, *args, **kwargs):
        written.append(path)
        if len(written) == 2:
            os.kill(os.getpid(), signal.SIGINT)
        return real_write(path, *args, **kwargs)

    monkeypatch.setattr(fsio, "write_if_unchanged", write_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        write(result.files, root)
    texts = [(root / f"{n}.txt").read_text() for n in range(5)]
    assert sorted(texts) == sorted(["good\n" * 200] * 2 + ["bad\n" * 200] * 3)
    assert sorted(os.listdir(root)) == [f"{n}.txt" for n in range(5)]


def test_diff_shows_the_change_and_writes_nothing(tmp_path, capsys):
    from infractl.fixing import FixOptions
    from infractl.render import Report

    root = tree(tmp_path, {"a.txt": "one\nbad\nthree\n"})
    report = Report("check", toy_check(root), headline="toy")
    code = outcome.report_with_fixes(report, root, toy_check, FixOptions(diff=True), "json", False)
    captured = capsys.readouterr()
    assert code == 1 and (root / "a.txt").read_text() == "one\nbad\nthree\n"
    name = os.path.relpath(root / "a.txt") if not os.path.relpath(root).startswith("..") else str(root / "a.txt")
    assert captured.out == (f"diff --git a/{name} b/{name}\n--- a/{name}\n+++ b/{name}\n"
                            "@@ -1,3 +1,3 @@\n one\n-bad\n+good\n three\n")  # the patch alone
    assert json.loads(captured.err)["summary"]["fixed"] == 1  # the report, in its format, on stderr
