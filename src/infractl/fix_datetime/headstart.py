"""A head start for ``infractl check``: the datetime area's walk and byte scan, begun before the imports.

A plain ``infractl check`` spends ~30 ms importing its modules before any file is read, and the
datetime area's walk and scan of a big tree is most of the rest. So ``entry`` calls ``begin()`` first
thing: a forked child walks and scans the Python files (``files.iter_file_names`` and
``prescan.flagged``, exactly as ``fix_datetime.command.collect`` would) while this process imports
and runs the other areas. ``collect`` then calls ``take(paths, exclude, root)``, which returns the
child's answer only when it walked the same paths with the same exclude globs and project root;
otherwise (or if the child failed) it returns None and ``collect`` walks as usual. ``end()`` (called on
every way out) stops a child nobody took.

Light on purpose: nothing is imported before the fork beyond what Python has already loaded.
"""

from __future__ import annotations

import os

_child = None  # forked.Forked, while its answer is not taken


def begin(path: str, config_path: str | None) -> None:
    """Fork the child scanning ``path`` with the project's ``[tool.infractl.fix_datetime]`` excludes."""
    global _child
    from infractl.forked import Forked, can_fork

    if _child is None and can_fork():
        _child = Forked(lambda: _scan(path, config_path))


def _scan(path: str, config_path: str | None) -> bytes:
    import json
    from pathlib import Path

    from infractl.config import load_config, string_list
    from infractl.files import iter_file_names
    from infractl.fix_datetime.prescan import flagged

    config = load_config(Path(path), Path(config_path) if config_path else None)
    exclude = string_list(config.section("fix_datetime"), "exclude", "[tool.infractl.fix_datetime]")
    problems: list[tuple[str, str, str]] = []
    files = list(iter_file_names([Path(path)], (".py",), exclude, config.root,
                                 on_skip=lambda where, kind, reason: problems.append((str(where), kind, reason))))
    found = flagged(files, parallel=False)
    answer = {"key": key([Path(path)], exclude, config.root), "scanned": len(files),
              "flagged": list(found), "stub_only": sorted(found.stub_only), "problems": problems}
    return json.dumps(answer).encode()


def key(paths, exclude, root) -> list:
    """What makes two walks the same walk."""
    return [[os.path.realpath(p) for p in paths], list(exclude), os.path.realpath(root)]


def take(paths, exclude, root) -> dict | None:
    """The child's answer (``scanned``, ``flagged`` and ``problems``: (path, kind, reason) triples) for
    this walk, or None."""
    global _child
    if _child is None:
        return None
    child, _child = _child, None
    try:
        data = child.result()
    finally:
        child.stop()
    if data is None:
        return None
    import json

    try:
        answer = json.loads(data)
    except ValueError:
        return None
    return answer if answer.get("key") == json.loads(json.dumps(key(paths, exclude, root))) else None


def end() -> None:
    """Stop a child whose answer nobody took (an error, Ctrl-C, or no datetime area)."""
    global _child
    if _child is not None:
        child, _child = _child, None
        child.stop()
