"""Find and load a WireMock root: ``mappings/`` (read recursively) and ``__files/``.

WireMock loads every file under ``mappings/`` whose name ends in lowercase ``.json``; each holds one stub
mapping or ``{"mappings": [...]}``. Everything else there is silently ignored, which is what this
module reports alongside what it loads.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from infractl.errors import InfractlError
from infractl.load import LoadError, read_bytes
from infractl.load.data import load_json


@dataclass
class Stub:
    file: MappingFile
    json_path: tuple  # () for a single-mapping file, ("mappings", i) inside a list
    data: dict


@dataclass
class MappingFile:
    path: str
    text: str = ""
    stubs: list[Stub] = field(default_factory=list)
    problem: tuple[str, int, int, str] | None = None  # (rule, line, column, message): it does not load

    @property
    def shown(self) -> str:  # computed on demand: only files with findings are ever shown
        return display(self.path)

    def locate(self, *keys: object) -> tuple[int, int]:
        from infractl.wiremock.mappings.positions import locate

        return locate(self.text, keys)


@dataclass
class Tree:
    root: Path
    mappings_dir: Path
    files_dir: Path
    mapping_files: list[MappingFile]
    ignored: list[Path]  # files under mappings/ WireMock skips
    modes: dict[str, int]  # every file and directory under mappings/ and __files/: its st_mode
    symlinks: set[str]  # the symbolic links among them

    def show(self, path: Path) -> str:
        return display(path)


def display(path: Path | str) -> str:
    """A path as the user would type it: relative to the current directory when under it."""
    try:
        return os.path.relpath(path) if not os.path.relpath(path).startswith("..") else str(path)
    except ValueError:
        return str(path)


def discover(root: Path) -> Tree:
    root = Path(root)
    if not root.is_dir():
        raise InfractlError(f"{root}: not a directory")
    mappings_dir = root / "mappings"
    if not mappings_dir.is_dir():
        raise InfractlError(f"{root}: no mappings/ directory (WireMock would start with no stubs; pass the "
                            "directory that holds mappings/ and __files/)")
    files_dir = root / "__files"
    modes: dict[str, int] = {}
    symlinks: set[str] = set()
    mapping_files: list[MappingFile] = []
    ignored: list[Path] = []
    for path, name in _walk(str(mappings_dir), modes, symlinks):
        if name.endswith(".json"):
            mapping_files.append(MappingFile(path=path))
        elif not name.startswith("."):
            ignored.append(Path(path))
    if files_dir.is_dir():
        for _ in _walk(str(files_dir), modes, symlinks):
            pass
    mapping_files.sort(key=lambda f: f.path)
    return Tree(root, mappings_dir, files_dir, mapping_files, sorted(ignored), modes, symlinks)


def _walk(directory: str, modes: dict[str, int], symlinks: set[str]):
    """(path, name) of the regular files below ``directory`` (symlinks followed for files, not for
    directories). Plain strings: Path objects for thousands of files cost more than the reading."""
    modes[directory] = os.stat(directory).st_mode
    try:
        entries = list(os.scandir(directory))
    except PermissionError:
        return
    for entry in entries:
        try:
            mode = entry.stat().st_mode
        except OSError:
            if entry.is_symlink():  # a link to nothing: WireMock dies reading it, so load() reports it
                symlinks.add(entry.path)
                yield entry.path, entry.name
            continue
        modes[entry.path] = mode
        link = entry.is_symlink()
        if link:
            symlinks.add(entry.path)
        if stat.S_ISDIR(mode) and not link:
            yield from _walk(entry.path, modes, symlinks)
        elif stat.S_ISREG(mode):
            yield entry.path, entry.name


def load(mapping: MappingFile) -> None:
    """Parse one file into its stubs, or record why WireMock would refuse it."""
    try:
        raw = read_bytes(mapping.path)
    except LoadError as exc:  # larger than any mapping file: not read whole
        mapping.problem = ("WM012", 1, 1, f"cannot be read: {exc}")
        return
    except OSError as exc:
        if os.path.islink(mapping.path) and not os.path.exists(mapping.path):
            target = os.readlink(mapping.path)
            mapping.problem = ("WM012", 1, 1, f"a symlink to a missing file ({target}): WireMock refuses to start")
        else:
            mapping.problem = ("WM012", 1, 1, f"cannot be read: {exc.strerror}")
        return
    try:
        mapping.text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        mapping.problem = ("WM001", 1, exc.start + 1, f"not UTF-8 text: {exc.reason}")
        return
    if not mapping.text.strip():
        mapping.problem = ("WM002", 1, 1, "empty file: WireMock refuses to start on it")
        return
    try:
        document = load_json(mapping.text)
    except LoadError as exc:  # not JSON, or nested deeper than the parsers go
        mapping.problem = ("WM001", exc.line or 1, exc.column or 1, f"invalid JSON: {exc}")
        return
    if isinstance(document, dict) and "mappings" in document:
        items = document["mappings"]
        if not isinstance(items, list):
            line, column = mapping.locate("mappings")
            mapping.problem = ("WM005", line, column, "'mappings' must be an array of stub mappings")
            return
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                line, column = mapping.locate("mappings", index)
                mapping.problem = ("WM003", line, column, f"mappings[{index}] is not a JSON object")
                return
            mapping.stubs.append(Stub(mapping, ("mappings", index), item))
    elif isinstance(document, dict):
        mapping.stubs.append(Stub(mapping, (), document))
    else:
        kind = "an array" if isinstance(document, list) else type(document).__name__
        message = f"the top level is {kind}: WireMock needs one mapping object or " '{"mappings": [...]}'
        mapping.problem = ("WM003", 1, 1, message)
