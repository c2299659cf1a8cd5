"""Whether ``--fix``'s diff touches only the lines its fixed findings named (benchmarks/fix_corpus.py).

How a diff line is judged, in the unfixed file's line numbers (``git diff -U0``'s old side):

- A finding *owns* its line and the block that line opens: in YAML the following lines indented deeper
  than it (a container's ``- name:`` line owns the container's keys, where its ``securityContext`` goes);
  in a Dockerfile a ``FROM`` line owns its stage (up to the next ``FROM``) and any other instruction its
  continuation lines; in Python the whole statement that holds the line (a call the rewrite re-wraps), and
  with it the module's top-level import statements (a rewrite adds the names it uses: fix-datetime's
  ``timezone``, fix-skips' ``os``); in any other file (JSON) the line alone.
- A removed or rewritten line is flagged when a fixed finding owns it.
- An inserted line (a hunk that removes nothing: ``-N,0``, inserted after old line N) is flagged when the
  insertion point is inside a block a fixed finding owns, just before its first line, or just after its
  last (N between first-1 and last).
- A mode change is flagged when a fixed finding without a line names that file; a new file (and every
  line in it) when a fix that adds a file was made: verify-db's fixing revision (DB001-DB003), whose
  findings are on the columns it fixes, not on the revision it writes.
"""

from __future__ import annotations

import re
from pathlib import Path

ADDS_A_FILE = frozenset({"DB001", "DB002", "DB003"})
_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


def changed_hunks(patch: str) -> dict[str, list[tuple]]:
    """Per changed file, its hunks as (old start, old count, new count), plus ("mode",) or ("new",)."""
    files: dict[str, list[tuple]] = {}
    current = None
    for line in patch.splitlines():
        if line.startswith("diff --git "):
            current = files.setdefault(line.split(" b/", 1)[1], [])
        elif current is None:
            continue
        elif line.startswith("new file mode"):
            current.append(("new",))
        elif line.startswith("old mode"):
            current.append(("mode",))
        elif (match := _HUNK.match(line)) is not None:
            old_start, old_count, _, new_count = match.groups()
            current.append((int(old_start), 1 if old_count is None else int(old_count),
                            1 if new_count is None else int(new_count)))
    return files


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _yaml_block(lines: list[str], number: int) -> tuple[int, int]:
    own = _indent(lines[number - 1])
    last = number
    for index in range(number, len(lines)):
        text = lines[index]
        if not text.strip():
            continue
        if _indent(text) <= own:
            break
        last = index + 1
    return number, last


def _dockerfile_block(lines: list[str], number: int) -> tuple[int, int]:
    last = number
    if lines[number - 1].lstrip().upper().startswith("FROM"):
        while last < len(lines) and not lines[last].lstrip().upper().startswith("FROM"):
            last += 1
        while last > number and not lines[last - 1].strip():
            last -= 1
        return number, last
    while last < len(lines) and lines[last - 1].rstrip().endswith("\\"):
        last += 1
    return number, last


def owned_blocks(path: str, text: str, flagged: set[int]) -> list[tuple[int, int]]:
    lines = text.splitlines()
    name = Path(path).name.lower()
    blocks = []
    for number in sorted(n for n in flagged if 0 < n <= len(lines)):
        if "dockerfile" in name or "containerfile" in name:
            blocks.append(_dockerfile_block(lines, number))
        elif name.endswith((".yml", ".yaml")):
            blocks.append(_yaml_block(lines, number))
        elif name.endswith(".py"):
            blocks.extend(_python_blocks(text, number))
        else:
            blocks.append((number, number))
    return blocks


def _python_blocks(text: str, number: int) -> list[tuple[int, int]]:
    """The innermost simple statement that holds line ``number``, and every top-level import statement."""
    import ast

    try:
        tree = ast.parse(text)
    except SyntaxError:
        return [(number, number)]
    blocks = [(node.lineno, node.end_lineno or node.lineno) for node in tree.body
              if isinstance(node, (ast.Import, ast.ImportFrom))]
    holding = [(node.lineno, node.end_lineno or node.lineno) for node in ast.walk(tree)
               if isinstance(node, ast.stmt) and not hasattr(node, "body")
               and node.lineno <= number <= (node.end_lineno or node.lineno)]
    blocks.append(min(holding, key=lambda span: span[1] - span[0]) if holding else (number, number))
    return blocks


def only_flagged(original: Path, hunks: dict[str, list[tuple]], flagged: dict[str, set[int]],
                 fixed_rules: set[str]) -> list[str]:
    """What the diff touches outside the fixed findings' lines (empty: only flagged lines)."""
    outside = []
    for path, changes in sorted(hunks.items()):
        if ("new",) in changes and fixed_rules & ADDS_A_FILE:
            continue
        named = flagged.get(path, set())
        source = original / path
        text = source.read_text(encoding="utf-8", errors="replace") if source.is_file() else ""
        blocks = owned_blocks(path, text, named)
        for change in changes:
            if change[0] in ("new", "mode"):
                if 0 not in named:
                    outside.append(f"{path}: {change[0]} without a fixed finding on the file")
                continue
            start, count, _ = change
            if count == 0:
                if not any(first - 1 <= start <= last for first, last in blocks):
                    outside.append(f"{path}: lines inserted after line {start}")
            elif not all(any(first <= n <= last for first, last in blocks)
                                             for n in range(start, start + count)):
                outside.append(f"{path}: lines {start}-{start + count - 1} changed")
    return outside
