"""``check --fix`` for DT010/DT011: fix-datetime's own rewrite, run once over the fix engine's private copy.

The rewrite decides per group of files (stubs in the tests renamed with the code they stub, sites held
back by a stub that gives utcnow and now different meanings), so it is a whole-tree fixer
(``fixing/trees.py``), not a per-finding one. It runs in ``--mode auto`` (or the project's configured
mode), which keeps naive what it cannot prove may become aware: the fix is safe. ``--verify`` stays
fix-datetime's own: it needs the project's test command.
"""

from __future__ import annotations

from pathlib import Path


def rewrite_tree(target: Path, findings) -> dict[Path, str]:
    """The new text of every file fix-datetime would rewrite under ``target`` (nothing is written here)."""
    from infractl.fix_datetime.command import collect

    outcome = collect([target], check=True)
    texts = {}
    for result in outcome.results:
        if result.new_data is None:
            continue
        try:  # the bytes as written, BOM and all; a file in another declared encoding is left to the command
            texts[Path(result.path)] = result.new_data.decode("utf-8")
        except UnicodeDecodeError:
            continue
    return texts


rewrite_tree.whole_tree = True
rewrite_tree.note = "rewritten by fix-datetime (auto mode)"
