"""Configuration: ``[tool.infractl]`` in the nearest ``pyproject.toml``, or an ``infractl.toml``.

Each command reads its own sub-table (``[tool.infractl.fix_datetime]``, ``[tool.infractl.db]``, ...);
command-line flags always win over what is configured here.
"""

from __future__ import annotations

import re
from collections import namedtuple
from collections.abc import Iterable
from pathlib import Path

TYPE_CHECKING = False  # typing itself costs ~2 ms of start-up; only type checkers need Any
if TYPE_CHECKING:
    from typing import Any

from infractl.errors import InfractlError

# Every table and key allowed directly under [tool.infractl]; a command that gains a table adds it here.
SECTIONS = ("fix_datetime", "db", "lint_ci", "fix_skips", "monitoring", "check", "manifests", "wiremock",
            "deploy")
TOP_LEVEL_KEYS = ("select", "ignore")


class Config(namedtuple("Config", ["data", "source"])):
    """The ``[tool.infractl]`` table (``data``) and the file it came from (``source``, None when nothing
    was found). A named tuple, not a dataclass: ``infractl check``'s head start loads the configuration
    in a child process before anything else, and the dataclasses module costs that child ~5 ms."""

    __slots__ = ()

    def __new__(cls, data: dict[str, Any] | None = None, source: Path | None = None) -> Config:  # noqa: PYI034
        return super().__new__(cls, {} if data is None else data, source)

    @property
    def root(self) -> Path:
        """The project root: the directory of the config file, else the current directory."""
        return self.source.parent if self.source else Path.cwd()

    def section(self, name: str) -> dict[str, Any]:
        """A command's sub-table; accepts ``fix_datetime`` and ``fix-datetime`` spellings."""
        value = self.data.get(self.spelled(name), {})
        if not isinstance(value, dict):
            raise InfractlError(f"{self.source}: {self.where(name)} must be a table")
        return value

    def spelled(self, name: str) -> str:
        """The table's name as the file spells it: ``lint-ci`` for [tool.infractl.lint-ci], else ``name``."""
        hyphenated = name.replace("_", "-")
        return hyphenated if hyphenated in self.data and name not in self.data else name

    def where(self, name: str) -> str:
        """How messages name a command's table: as the user wrote it, [tool.infractl.lint-ci] or
        [tool.infractl.lint_ci] (the full name in an infractl.toml too, whose top level is [tool.infractl])."""
        return f"[tool.infractl.{self.spelled(name)}]"


# The configuration file the running command loaded (None: none was found). Errors about its contents
# name a table ("[tool.infractl.db] url must be a string") wherever they are raised; ``in_config_file``
# puts the file in front, so that a user with several configuration files knows which one to open.
_loaded_from: Path | None = None


def in_config_file(message: str) -> str:
    """``message`` with the loaded configuration file in front, when it is about one of its tables."""
    if _loaded_from is None or not message.startswith("[tool.infractl"):
        return message
    return f"{_loaded_from}: {message}"


def find_config_file(start: Path | None = None) -> Path | None:
    """The nearest ``infractl.toml`` or ``pyproject.toml`` with a ``[tool.infractl]`` table."""
    here = (start or Path.cwd()).resolve()
    if here.is_file():
        here = here.parent
    for directory in (here, *here.parents):
        own = directory / "infractl.toml"
        if own.is_file():
            return own
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file() and _configures_infractl(pyproject):
            return pyproject
    return None


# Other spellings of a [tool.infractl] table than the header itself: [tool] with an infractl key,
# tool.infractl dotted keys, quoted names. Only then is the file parsed to know (a pyproject.toml
# without them does not pay for the TOML parser).
_OTHER_SPELLINGS = re.compile(rb'(?m)^[ \t]*(\[[ \t]*"?tool"?[ \t]*[.\]]|"?tool"?[ \t]*\.)')


def _configures_infractl(pyproject: Path) -> bool:
    from infractl.load import LoadError, read_bytes
    from infractl.load.data import MAX_CONFIG_BYTES

    try:
        data = read_bytes(pyproject, MAX_CONFIG_BYTES)
    except LoadError as exc:
        raise InfractlError(f"{pyproject}: {exc}") from None
    if b"[tool.infractl" in data:
        return True
    if b"infractl" not in data or not _OTHER_SPELLINGS.search(data):
        return False
    tool = _load_toml(pyproject).get("tool")
    return isinstance(tool, dict) and "infractl" in tool


def load_config(start: Path | None = None, explicit: Path | None = None) -> Config:
    global _loaded_from
    path = explicit or find_config_file(start)
    _loaded_from = path
    if path is None:
        return Config()
    document = _load_toml(path)
    tool = document.get("tool", {})
    if path.name == "pyproject.toml":
        if not isinstance(tool, dict):
            raise InfractlError(f"{path}: [tool] must be a table")
        document = tool.get("infractl", {})
    elif isinstance(tool, dict) and "infractl" in tool:
        tables = tool["infractl"]
        name = next(iter(tables), "fix_datetime") if isinstance(tables, dict) else "fix_datetime"
        raise InfractlError(f"{path}: the top level of this file is already [tool.infractl]: write "
                            f"[{name}], not [tool.infractl.{name}]")
    if not isinstance(document, dict):
        raise InfractlError(f"{path}: [tool.infractl] must be a table")
    check_top_level(document, path)
    return Config(data=document, source=path)


def _load_toml(path: Path) -> dict[str, Any]:
    """The TOML document of a configuration file: a one-line error for one that is missing, not a regular
    file (``--config /dev/zero`` would never end), too big, or not TOML."""
    from infractl.load import LoadError
    from infractl.load.data import load_toml

    try:
        return load_toml(path)
    except FileNotFoundError:
        raise InfractlError(f"config file not found: {path}") from None
    except OSError as exc:
        raise InfractlError(f"{path}: cannot be read: {exc.strerror}") from None
    except LoadError as exc:
        where = f" (line {exc.line})" if exc.line else ""
        raise InfractlError(f"{path}: {exc}{where}") from None


def check_top_level(document: dict[str, Any], path: Path) -> None:
    """An unknown or misspelled table ([tool.infractl.fixdatetime]) must not be silently ignored."""
    known = {*SECTIONS, *TOP_LEVEL_KEYS}
    unknown = sorted(key for key in document if key not in known and key.replace("-", "_") not in known)
    if unknown:
        names = ", ".join(f"[tool.infractl.{name}]" for name in SECTIONS)
        raise InfractlError(f"{path}: unknown table or key {', '.join(map(repr, unknown))} under "
                            f"[tool.infractl] (valid tables: {names}; keys: {', '.join(TOP_LEVEL_KEYS)})")
    for key in sorted(document):  # only one of the two would be read: the other silently ignored
        if "-" in key and key.replace("-", "_") in document:
            raise InfractlError(f"{path}: [tool.infractl.{key.replace('-', '_')}] and [tool.infractl.{key}] are "
                                "the same table: merge them into one")


def reject_unknown_keys(section: dict[str, Any], known: Iterable[str], where: str) -> None:
    """A typo in a key must not silently do nothing: name the unknown keys and the known ones."""
    known = sorted(known)
    unknown = sorted(set(section) - set(known))
    if unknown:
        label = "key" if len(unknown) == 1 else "keys"
        raise InfractlError(f"{where}: unknown {label} {', '.join(map(repr, unknown))} (known: {', '.join(known)})")


def string_list(section: dict[str, Any], key: str, where: str, default: tuple[str, ...] = ()) -> tuple[str, ...]:
    """A list of non-empty strings (a lone string counts as a list of one); ``default`` when absent."""
    value = section.get(key)
    if value is None:
        return tuple(default)
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        raise InfractlError(f"{where}: {key} must be a list of non-empty strings")
    return tuple(value)
