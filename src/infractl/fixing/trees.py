"""Fixes a command makes over the whole tree at once: fix-datetime's rewrite (its stub groups and held
sites span files, so no single finding's text is enough) and verify-db's fixing revision (a new file).

Such a rule's fixer is marked ``whole_tree = True`` and called once per run, before the per-finding passes,
as ``fixer(copy_target, findings) -> {path in the copy: new text}`` (a path that does not exist yet is a
new file). The engine puts the texts in the copy, checks again, and keeps a file's change only if none of
the fixer's rules gained findings there; what disappeared is reported as fixed, what remains stays a
finding. The user's tree is written at the end like every other fix (``outcome.write``).
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

from infractl.findings import Finding
from infractl.fixing.rules import FIX_REVERTED, FIXER_FAILED
from infractl.fixing.workspace import shown


def is_whole_tree(fixer) -> bool:
    return bool(getattr(fixer, "whole_tree", False))


def tree_fixers(findings: list[Finding], unsafe: bool) -> dict:
    """fixer -> the ids of the rules it fixes, among ``findings``, that this run may apply."""
    from infractl.fixing.engine import fix_rule, fixer_of

    wanted: dict = {}
    for finding in findings:
        rule = fix_rule(finding, unsafe)
        fixer = fixer_of(rule) if rule is not None else None
        if is_whole_tree(fixer):
            wanted.setdefault(fixer, set()).add(rule.id)
    return wanted


def apply_tree_fixers(workspace, states: dict, current: list[Finding], recheck, unsafe: bool, fixed: list,
                      engine: list) -> list[Finding]:
    """Run each whole-tree fixer once in the copy (``states``: the engine's files, which it adds to; ``fixed``
    and ``engine``: its lists of what was fixed and of its own findings); the findings as the check now sees
    them."""
    from infractl.fixing.engine import load_file, new_file, restore_file

    for fixer, rule_ids in tree_fixers(current, unsafe).items():
        mine = [f for f in current if f.rule in rule_ids]
        try:
            texts = fixer(workspace.copy_target, mine)
        except Exception as exc:  # noqa: BLE001 - one fixer's bug must not end the run (FIX003)
            engine.append(FIXER_FAILED.finding(shown(workspace.target), None, None,
                                               f"{'/'.join(sorted(rule_ids))}'s fixer failed: "
                                               f"{type(exc).__name__}: {exc}"))
            continue
        touched = []
        for path, text in texts.items():
            path = Path(os.path.abspath(path))
            state = states.get(path) or (load_file(workspace, path) if os.path.lexists(path) else new_file(workspace, path))
            if state is None or (state.text is None and not state.created) or text == state.text:
                continue
            states[path] = state
            state.notes.append((state.text, state.mode))
            restore_file(state, text, state.mode)
            touched.append(path)
        if not touched:
            continue
        after = recheck(workspace.copy_target)
        before_count = Counter((os.path.abspath(f.path), f.rule) for f in mine)
        after_count = Counter((os.path.abspath(f.path), f.rule) for f in after if f.rule in rule_ids)
        if any(after_count[key] > before_count[key] for key in after_count):
            for path in touched:  # the fix made findings of its own rules: none of it is kept
                state = states[path]
                restore_file(state, *state.notes.pop())
                engine.append(FIX_REVERTED.finding(shown(state.real), None, None,
                                                   f"the whole-tree fix for {'/'.join(sorted(rule_ids))} added "
                                                   "findings of its own rules; reverted"))
            current = recheck(workspace.copy_target)
            continue
        for (path, rule_id), count in before_count.items():
            gone = count - after_count[(path, rule_id)]
            on_file = [f for f in mine if f.rule == rule_id and os.path.abspath(f.path) == path]
            fixed.extend((workspace.back(f), getattr(fixer, "note", "")) for f in on_file[:gone])
        current = after
    return current
