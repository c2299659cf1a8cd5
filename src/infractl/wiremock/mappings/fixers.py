"""Automatic fixes for ``wiremock validate``'s findings (``Rule.fixer``; fixes.py says the interface).

Each edits only the JSON string the finding points at (its line and column are the key's), or only the
file's mode, so the rest of the file stays byte for byte.

- WM007: a non-UUID ``id``/``uuid`` becomes ``uuid5(ID_NAMESPACE, old text)``: the same text gives the
  same UUID on every run and every machine, so a second ``--fix``, a teammate's ``--fix`` and a CI
  ``--diff`` agree, and anything that looked the stub up by its id can be updated once. Removing the id
  was the other choice, but WireMock would then give the stub a random id at each start (nothing could
  refer to it). The readable text becomes the stub's ``name`` when it has none (on the id's line, so no
  other line changes). Two stubs that shared a text share the UUID: WM009 still asks a human.
- WM012/WM013: read (and, for a directory, search) permission for group and others, the rest of the
  mode kept: 600 becomes 644, a 700 directory 755.
- WM010: a ``bodyFileName`` that names an existing file under ``__files/`` in another letter case (it
  works on macOS, then fails in a Linux container) becomes the file's real name.
"""

from __future__ import annotations

import json
import os
import stat
import uuid
from pathlib import Path

from infractl.findings import Finding
from infractl.fixes import Change, Edit
from infractl.fixing.jsontext import sibling_keys, string_value_at
from infractl.wiremock.mappings.checks_stub import UUID

# Fixed forever: changing it would change every derived id (uuid5 of the DNS namespace and this name).
ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, "wiremock-id.infractl")


def derived_id(text: str) -> str:
    return str(uuid.uuid5(ID_NAMESPACE, text))


def fix_id(text: str, finding: Finding) -> Change | None:
    """WM007: the id's text replaced by the UUID derived from it."""
    found = string_value_at(text, finding)
    if found is None or found[0] not in ("id", "uuid") or UUID.match(found[3]):
        return None
    key, start, end, value = found
    new = derived_id(value)
    keys = sibling_keys(text, _key_start(text, finding))
    if keys is None:
        return None
    # the readable text stays, as the stub's name (WireMock shows it), on the same line as the id, spelled as
    # the id was: re-encoded, an escaped NEL or LINE SEPARATOR (valid raw in JSON) would break the line for
    # editors and Python's splitlines
    name = "" if "name" in keys else f', "name": {text[start:end]}'
    return Change((Edit(start, end, json.dumps(new) + name),),
                  note=f"{key} {value!r} replaced by {new} (uuid5 of it)" + (", kept as name" if name else ""))


def _key_start(text: str, finding: Finding) -> int:
    from infractl.fixes import line_offsets

    return line_offsets(text)[finding.line - 1] + finding.column - 1


def fix_readable(text: str, finding: Finding) -> Change | None:
    """WM012 (a file) and WM013 (a directory): readable (and searchable) by group and others."""
    try:
        st = os.stat(finding.path)
    except OSError:
        return None
    mode = stat.S_IMODE(st.st_mode)
    wanted = mode | (0o055 if stat.S_ISDIR(st.st_mode) else 0o044)
    if wanted == mode:
        return None
    return Change(mode=wanted, note=f"mode {mode:o} -> {wanted:o}")


def fix_body_file_case(text: str, finding: Finding) -> Change | None:
    """WM010: the name of the one existing file under __files/ that differs from it only in letter case."""
    found = string_value_at(text, finding)
    if found is None or found[0] != "bodyFileName":
        return None
    _, start, end, name = found
    files_dir = _files_dir(Path(finding.path))
    if files_dir is None or os.path.isabs(name) or ".." in Path(name).parts:
        return None
    actual = _same_but_case(files_dir, Path(name).parts)
    if actual is None or actual == name:
        return None
    return Change((Edit(start, end, json.dumps(actual)),), note=f"bodyFileName {name!r} -> {actual!r}")


def _files_dir(mapping: Path) -> Path | None:
    """``__files/`` beside the ``mappings/`` directory the mapping file is under."""
    for parent in mapping.parents:
        if parent.name == "mappings":
            return parent.parent / "__files"
    return None


def _same_but_case(directory: Path, parts: tuple[str, ...]) -> str | None:
    """The relative path under ``directory`` matching ``parts`` ignoring case, when exactly one does."""
    found = []
    for index, part in enumerate(parts):
        try:
            names = os.listdir(directory)
        except OSError:
            return None
        matches = [n for n in names if n.lower() == part.lower()]
        if part in matches:
            matches = [part]  # this level is right already
        if len(matches) != 1:
            return None
        directory = directory / matches[0]
        found.append(matches[0])
        last = index == len(parts) - 1
        if not (directory.is_file() if last else directory.is_dir()):
            return None
    return "/".join(found)
