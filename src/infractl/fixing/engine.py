"""The passes of ``--fix`` (ruff's loop): ask each fixable finding's fixer for a ``Change``, apply the
changes that do not overlap (the others wait for the next pass, at their new positions), run the check
again on the result, keep what removed its finding, and repeat until nothing is left to fix.

A fix is kept only if the check run again reports fewer findings of its rule on its file, by as many as
were fixed there; otherwise the file goes back to what it was before that pass and the rule is not tried
on it again (FIX002). A file that comes back to a text it had before (two fixes undoing each other) goes
back to its original and is left alone (FIX002). At most ``MAX_PASSES`` passes (ruff's limit).
Everything happens in a ``Workspace`` (a private copy); ``outcome.py`` writes or shows the result.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from infractl.findings import Finding
from infractl.fixes import Change, Edit, apply_edits, overlaps
from infractl.fixing.rules import FIX_REVERTED, FIXER_FAILED
from infractl.fixing.trees import apply_tree_fixers, is_whole_tree
from infractl.fixing.workspace import Workspace, shown
from infractl.rulebook import Rule, get_rule

MAX_PASSES = 100


@dataclass
class FileState:
    """One file (or directory) the fixes touch: as first read from the user's tree, and now in the copy."""

    real: Path
    copy: Path
    snapshot: object  # fsio.Snapshot of the user's file (None: a directory)
    original: str | None  # its decoded text (None: a directory, or not UTF-8: only its mode can be fixed)
    original_mode: int
    text: str | None = None
    mode: int = 0
    seen: set = field(default_factory=set)
    blocked: set = field(default_factory=set)  # rules whose fix failed here
    frozen: bool = False
    notes: list = field(default_factory=list)
    created: bool = False  # a new file a whole-tree fix adds (verify-db's revision): written with create_new

    @property
    def changed(self) -> bool:
        return self.text != self.original or self.mode != self.original_mode


@dataclass
class FixResult:
    fixed: list[tuple[Finding, str]]  # (the finding as the user's tree shows it, what the fix did)
    remaining: list[Finding]
    files: list[FileState]
    unsafe_available: int = 0


def fix_rule(finding: Finding, unsafe: bool) -> Rule | None:
    """The finding's rule if it has a fixer this run may apply."""
    rule = get_rule(finding.rule)
    if rule is None or not rule.fixer or (rule.fix_safety == "unsafe" and not unsafe):
        return None
    return rule


def needs_unsafe(finding: Finding) -> bool:
    rule = get_rule(finding.rule)
    return bool(rule and rule.fixer and rule.fix_safety == "unsafe")


def fixer_of(rule: Rule) -> Callable[[str, Finding], Change | None]:
    from infractl.check.protocol import resolve

    return resolve(rule.fixer)


def run_fixes(findings: list[Finding], target: Path, recheck: Callable[[Path], list[Finding]],
              unsafe: bool = False) -> FixResult:
    """Fix what can be fixed among ``findings`` (made on ``target``); ``recheck(path)`` runs the same
    check on ``path`` (the copy's ``target``) and returns its findings."""
    if not any(fix_rule(f, unsafe) for f in findings):  # nothing to fix: no copy, no second check
        return FixResult([], findings, [], 0 if unsafe else sum(map(needs_unsafe, findings)))
    workspace = Workspace(target)
    try:
        return _passes(workspace, findings, recheck, unsafe)
    finally:
        workspace.remove()


def _passes(workspace: Workspace, findings: list[Finding], recheck, unsafe: bool) -> FixResult:
    states: dict[Path, FileState] = {}
    kept_aside = [f for f in findings if workspace.into_copy(f) is None]  # not ours to fix: reported as they are
    current = [c for c in map(workspace.into_copy, findings) if c is not None]
    fixed: list[tuple[Finding, str]] = []
    engine: list[Finding] = []
    current = apply_tree_fixers(workspace, states, current, recheck, unsafe, fixed, engine)
    for _ in range(MAX_PASSES):
        undone = len(engine)
        applied = _one_pass(workspace, states, current, unsafe, engine)
        if not applied:
            if any(f.rule == FIX_REVERTED.id for f in engine[undone:]):
                current = recheck(workspace.copy_target)  # a file went back to its original
            break
        after = recheck(workspace.copy_target)
        if _keep_what_worked(states, applied, current, after, fixed, workspace, engine):
            after = recheck(workspace.copy_target)  # a file went back: check it again as it is now
        current = after
    else:
        for state in filter(None, states.values()):
            if state.changed:
                engine.append(FIX_REVERTED.finding(shown(state.real), None, None,
                                                   f"the fixes did not settle in {MAX_PASSES} passes; file left as it was"))
                restore_file(state, state.original, state.original_mode)
        current = recheck(workspace.copy_target)
    remaining = kept_aside + [workspace.back(f) for f in current] + engine
    hidden = 0 if unsafe else sum(map(needs_unsafe, remaining))
    changed = [s for s in states.values() if s is not None and s.changed]
    back_to_original = {shown(s.real) for s in states.values() if s is not None and not s.changed}
    fixed = [(f, note) for f, note in fixed if f.path not in back_to_original]  # what was undone is not fixed
    return FixResult(fixed, remaining, changed, hidden)


def _one_pass(workspace, states, current, unsafe, engine) -> dict[Path, list[tuple[Finding, Change]]]:
    """Apply, in the copy, every fix that does not overlap another in its file; what was applied where."""
    wanted: dict[Path, list[tuple[Finding, Rule]]] = {}
    for finding in current:
        rule = fix_rule(finding, unsafe)
        if rule is not None:
            wanted.setdefault(Path(os.path.abspath(finding.path)), []).append((finding, rule))
    applied = {}
    for path, group in wanted.items():
        if path not in states:
            states[path] = load_file(workspace, path)
        state = states[path]
        if state is None or state.frozen:
            continue
        taken: list[tuple[Finding, Change]] = []
        edits: list[Edit] = []
        mode = None
        ordered = sorted(group, key=lambda pair: (pair[0].line or 0, pair[0].column or 0))
        covered: set[int] = set()  # findings a change taken here fixes too (Change.covers)
        fixers = [fixer_of(rule) for _, rule in ordered]
        for at, (finding, rule) in enumerate(ordered):
            fixer = fixers[at]
            if rule.id in state.blocked or is_whole_tree(fixer) or id(finding) in covered:
                continue
            try:
                if getattr(fixer, "fixes_siblings", False):
                    siblings = [other for (other, other_rule), other_fixer in zip(ordered[at + 1:], fixers[at + 1:])
                                if id(other) not in covered and other_rule.id not in state.blocked
                                and other_fixer is fixer]
                    change = fixer(state.text or "", finding, siblings)
                else:
                    change = fixer(state.text or "", finding)
            except Exception as exc:  # noqa: BLE001 - one fixer's bug must not end the run (FIX003)
                state.blocked.add(rule.id)
                engine.append(FIXER_FAILED.finding(shown(state.real), finding.line, finding.column,
                                                   f"{rule.id}'s fixer failed: {type(exc).__name__}: {exc}"))
                continue
            if change is None or (not change.edits and change.mode is None):
                continue
            if change.edits and state.text is None:
                continue  # text edits need the text: a file that is not UTF-8 is left to a human
            if _overlaps(change.edits, edits) or (change.mode is not None and mode is not None):
                continue  # the next pass, at its new position
            taken.append((finding, change))
            for sibling, note in change.covers:
                taken.append((sibling, Change(note=note)))
                covered.add(id(sibling))
            edits.extend(change.edits)
            mode = change.mode if change.mode is not None else mode
        if not taken:
            continue
        text = apply_edits(state.text, edits) if edits else state.text
        new_mode = mode if mode is not None else state.mode
        if (text, new_mode) == (state.text, state.mode):
            continue
        if (text, new_mode) in state.seen:
            engine.append(FIX_REVERTED.finding(shown(state.real), None, None, "fixes kept undoing each other; "
                                               "file left as it was"))
            restore_file(state, state.original, state.original_mode)
            state.frozen = True
            continue
        state.seen.add((state.text, state.mode))
        state.notes.append((state.text, state.mode))  # what to go back to if this pass fails
        restore_file(state, text, new_mode)
        applied[path] = taken
    return applied


def _keep_what_worked(states, applied, before, after, fixed, workspace, engine) -> bool:
    """Count each fix as done, or send its file back to where the pass found it; whether any went back."""
    count_before = Counter((os.path.abspath(f.path), f.rule) for f in before)
    count_after = Counter((os.path.abspath(f.path), f.rule) for f in after)
    reverted = False
    for path, taken in applied.items():
        state = states[path]
        per_rule = Counter(finding.rule for finding, _ in taken)
        failed = [rule for rule, n in per_rule.items()
                  if count_after[(str(path), rule)] > count_before[(str(path), rule)] - n]
        if failed:
            text, mode = state.notes[-1]
            restore_file(state, text, mode)
            state.blocked.update(failed)
            engine.extend(FIX_REVERTED.finding(shown(state.real), None, None,
                                               f"the fix for {rule} did not remove its finding; reverted")
                          for rule in failed)
            reverted = True
            continue
        fixed.extend((workspace.back(finding), change.note) for finding, change in taken)
    return reverted


def _overlaps(new: tuple[Edit, ...], taken: list[Edit]) -> bool:
    return any(overlaps(a, b) for a in new for b in taken) or any(
        overlaps(a, b) for i, a in enumerate(new) for b in new[i + 1:])


def load_file(workspace: Workspace, path: Path) -> FileState | None:
    """The file a finding is on, as the user's tree has it (its bytes are what the final write compares)."""
    from infractl.fsio import Snapshot, read_snapshot

    real = workspace.to_real(path)
    if real is None or not os.path.lexists(path) or os.path.islink(path):
        return None  # a link is fixed at its target, where that is inside the tree and named itself
    try:
        st = os.stat(real)
        if stat.S_ISDIR(st.st_mode):
            snapshot, text = Snapshot(b"", None), None
        else:
            snapshot = read_snapshot(real)
            try:
                text = snapshot.data.decode("utf-8")
            except UnicodeDecodeError:
                text = None
    except OSError:
        return None  # the finding (cannot be read) stays for a human
    mode = stat.S_IMODE(st.st_mode)
    return FileState(real, path, snapshot, text, mode, text, mode)


def new_file(workspace: Workspace, path: Path) -> FileState | None:
    """A file a whole-tree fix adds: absent in the user's tree (the final write refuses if it appears)."""
    real = workspace.to_real(path)
    if real is None or os.path.lexists(real) or not path.parent.is_dir():
        return None
    return FileState(real, path, None, None, 0o644, None, 0o644, created=True)


def restore_file(state: FileState, text: str | None, mode: int) -> None:
    """Make the copy's file ``text`` with ``mode`` (replaced, never written through a link)."""
    if text is None and state.created:  # a new file taken back: it is not there
        with contextlib.suppress(FileNotFoundError):
            os.unlink(state.copy)
        state.text, state.mode = text, mode
        return
    if text is not None and text != state.text:
        tmp = state.copy.with_name(state.copy.name + ".infractl-fix")
        tmp.write_bytes(text.encode("utf-8"))
        os.chmod(tmp, mode)
        os.replace(tmp, state.copy)
    os.chmod(state.copy, mode)
    state.text, state.mode = text, mode
