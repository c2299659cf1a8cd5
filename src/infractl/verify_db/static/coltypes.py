"""A project's own column types, resolved statically: ``class UtcDateTime(TypeDecorator): impl = ...``.

A type used in a revision is looked up, in order: in ``timestamp_types`` from the config (qualified
names, or as written); as a class of the revision file itself; through the file's imports, in the
project's source (the migrations directory's ancestors up to the project root, and their ``src/``).
A class is resolved through its ``impl``, or through a base class that is itself resolved. Nothing is
imported or run.
"""

from __future__ import annotations

import ast
from pathlib import Path

from infractl.load.pyast import dotted_name

_ROOT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", ".git")
_MAX_DEPTH = 6


class TypeResolver:
    def __init__(self, migrations_dir: Path, configured: tuple[tuple[str, str], ...] = ()) -> None:
        self.configured = dict(configured)
        self.roots = _search_roots(Path(migrations_dir).resolve())
        self._modules: dict[Path, tuple] = {}

    def for_module(self, module, path: Path, imports: dict[str, str]):
        """The resolver for types written in one parsed file: dotted name as written -> data type or None."""
        def resolve(written: str) -> str | None:
            return self.resolve(written, module, Path(path), imports, 0)
        return resolve

    def resolve(self, written: str, module, path: Path, imports: dict[str, str], depth: int) -> str | None:
        root, _, rest = written.partition(".")
        qualified = imports.get(root, root) + (f".{rest}" if rest else "")
        qualified = _absolute(qualified, path, self.roots)
        for name in (qualified, written, written.rsplit(".", 1)[-1]):
            if name in self.configured:
                return self.configured[name]
        if depth >= _MAX_DEPTH:
            return None
        if not rest:  # a class of this very file?
            found = self._class_type(module, path, imports, written, depth)
            if found is not None:
                return found
        module_name, _, class_name = qualified.rpartition(".")
        target = self._find_module(module_name)
        if target is None:
            return None
        parsed = self._parse(target)
        if parsed is None:
            return None
        other_module, other_imports = parsed
        return self._class_type(other_module, target, other_imports, class_name, depth + 1)

    def _class_type(self, module, path: Path, imports: dict[str, str], name: str, depth: int) -> str | None:
        from infractl.verify_db.static.exprs import UNKNOWN_TYPE, ExpressionReader

        for statement in module.body:
            if isinstance(statement, ast.ClassDef) and statement.name == name:
                reader = ExpressionReader(None, {}, resolve_type=lambda written: self.resolve(
                    written, module, path, imports, depth + 1))
                impl = _class_attribute(statement, "impl")
                if impl is not None:
                    found = reader.data_type(impl)
                    return None if found.startswith(UNKNOWN_TYPE) else found
                for base in statement.bases:
                    base_name = dotted_name(base)
                    if base_name.rsplit(".", 1)[-1] in ("TypeDecorator", "UserDefinedType", "TypeEngine"):
                        continue
                    found = self.resolve(base_name, module, path, imports, depth + 1)
                    if found:
                        return found
                return None
        if name in imports and depth < _MAX_DEPTH:  # re-exported: ``from .types import UtcDateTime``
            return self.resolve(name, module, path, imports, depth + 1)
        return None

    def _find_module(self, dotted_name: str) -> Path | None:
        if not dotted_name or dotted_name.startswith("/"):
            return Path(dotted_name) if dotted_name.startswith("/") and Path(dotted_name).is_file() else None
        from infractl.discover.files import module_file

        found = module_file(dotted_name, self.roots)
        return Path(found) if found else None

    def _parse(self, path: Path):
        if path not in self._modules:
            from infractl.verify_db.static.parse import module_imports, parse_module

            try:
                module, _ = parse_module(path.read_text(encoding="utf-8"), path)
            except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
                self._modules[path] = None
            else:
                self._modules[path] = (module, module_imports(module))
        return self._modules[path]


def _class_attribute(class_def: ast.ClassDef, name: str):
    for statement in class_def.body:
        if (isinstance(statement, ast.Assign) and len(statement.targets) == 1
                and isinstance(statement.targets[0], ast.Name) and statement.targets[0].id == name):
            return statement.value
        if (isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name)
                and statement.target.id == name and statement.value is not None):
            return statement.value
    return None


def _absolute(qualified: str, path: Path, roots: list[Path]) -> str:
    """``..types.UtcDateTime`` imported in ``path`` -> a dotted name from the first root above it."""
    if not qualified.startswith("."):
        return qualified
    level = len(qualified) - len(qualified.lstrip("."))
    package = path.parent
    for _ in range(level - 1):
        package = package.parent
    rest = qualified[level:]
    for root in roots:
        try:
            relative = package.resolve().relative_to(root)
        except ValueError:
            continue
        return ".".join([*relative.parts, *([rest] if rest else [])])
    return str(package.resolve().joinpath(*rest.split(".")[:-1])) + ".py." + rest.split(".")[-1]


def _search_roots(start: Path) -> list[Path]:
    roots: list[Path] = []
    current = start
    for _ in range(_MAX_DEPTH):
        roots.append(current)
        if (current / "src").is_dir():
            roots.append(current / "src")
        if any((current / marker).exists() for marker in _ROOT_MARKERS) or current.parent == current:
            break
        current = current.parent
    return roots
