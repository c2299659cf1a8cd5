"""Map rendered objects back to the YAML they came from, with line numbers.

kustomize's output loses file names. Here the kustomization's local resources (files, and directories
with their own kustomization, followed recursively) are loaded with ``load.yamldocs`` (which keeps line
numbers, and bounds what a hostile file costs) and indexed by kind and name; generated objects (configMapGenerator, secretGenerator) point
at their generator entry in the kustomization file. A finding's key path inside the object
(``spec.template.spec.containers[0]``) is resolved to the deepest node that exists in the source.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from infractl.load import LoadError, read_text
from infractl.load.yamldocs import PosDict, PosList, load_documents, load_file_documents
from infractl.manifests.kustomize.render import find_kustomization


@dataclass
class SourceMap:
    """Files are parsed lazily: only when a finding needs a line, and first those that contain the name."""

    objects: dict[tuple[str, str], tuple[str, object]] = field(default_factory=dict)  # (kind, name) -> (path, node)
    kustomizations: list[tuple[str, object]] = field(default_factory=list)  # (path, root node)
    pending: dict[Path, str] = field(default_factory=dict)  # resource files not parsed yet -> shown path
    texts: dict[Path, str] = field(default_factory=dict)  # pending files' text, read once

    def locate(self, obj: dict, keys: tuple = ()) -> tuple[str | None, int | None]:
        """(source path, 1-based line) of ``obj`` (and of ``keys`` inside it) where known."""
        kind = obj.get("kind") or ""
        name = (obj.get("metadata") or {}).get("name") or ""
        found = self.objects.get((kind, name))
        if found is None and self.pending:
            # parse only files with a `kind: KIND` and a `name: NAME` (block or flow style): a CRD of
            # megabytes that merely mentions the name is not parsed for it
            declares = _declares(str(kind), str(name))
            self._index(lambda text: declares(text))
            found = self.objects.get((kind, name))
        if found is None:
            self._index(lambda text: True)
            found = self.objects.get((kind, name)) or self._by_affix(kind, name)
        if found is None:
            return None, None
        path, node = found
        return path, deepest_line(node, keys)

    def _index(self, wanted) -> None:
        for path, shown in list(self.pending.items()):
            text = self.texts.get(path)
            if text is None:
                try:
                    text = self.texts[path] = read_text(path)
                except (OSError, LoadError):  # kustomize reports a file it cannot read
                    del self.pending[path]
                    continue
            if wanted(text):
                del self.pending[path]
                del self.texts[path]
                _index_text(text, shown, self)

    def _by_affix(self, kind: str, name: str):
        """namePrefix/nameSuffix and generator hashes change names: take the longest source name inside."""
        best = None
        for (source_kind, source_name), value in self.objects.items():
            if (source_kind == kind and source_name and source_name in name
                    and (best is None or len(source_name) > len(best[0]))):
                best = (source_name, value)
        return best[1] if best else None


def _declares(kind: str, name: str):
    """A test of a file's text: does it hold a ``kind: KIND`` and a ``name: NAME`` (quoted or not)?"""
    import re

    def field(key: str, value: str):
        return re.compile(rf"\b{key}:[ \t]*['\"]?{re.escape(value)}['\"]?[ \t]*(?:$|[,}}#])", re.MULTILINE)

    kind_field, name_field = field("kind", kind), field("name", name)
    return lambda text: name in text and bool(kind_field.search(text)) and bool(name_field.search(text))


def mapping_get(node, key: str):
    """The value of ``key`` in a mapping, or None."""
    return node.get(key) if isinstance(node, PosDict) else None


def scalar(node) -> str | None:
    """A scalar as the text it was (``name: 123`` is a name too); None for a mapping, a list, null."""
    return str(node) if isinstance(node, (str, int, float)) and not isinstance(node, bool) else None


def deepest_line(node, keys: tuple) -> int | None:
    """The line of ``keys`` (a key path) inside ``node``, or of the deepest part of it that exists."""
    line = getattr(node, "line", None)
    for key in keys:
        if isinstance(key, int):
            if not isinstance(node, PosList) or key >= len(node):
                break
            line = node.item_lines[key]
        else:
            if not isinstance(node, PosDict) or key not in node:
                break
            line = node.key_lines[key]
        node = node[key]
    return line


def build_source_map(directory: Path, display_root: Path | None = None) -> SourceMap:
    """Index every local resource of the kustomization in ``directory`` (recursively)."""
    source_map = SourceMap()
    _walk(Path(directory), source_map, set(), display_root)
    return source_map


def display_path(path: Path, root: Path | None) -> str:
    """``path`` relative to ``root`` when it lies inside it, else as given but with ``..`` folded as kustomize
    folds it (an overlay reaches its base as overlays/prod/../../base/x.yaml: the same file, one spelling,
    or the findings of every overlay would count as different lines)."""
    if root is not None:
        try:
            return str(Path(os.path.abspath(path)).relative_to(os.path.abspath(root)))
        except ValueError:
            pass
    return os.path.normpath(path)


def _walk(directory: Path, source_map: SourceMap, seen: set[Path], root: Path | None) -> None:
    resolved = directory.resolve()
    if resolved in seen:
        return
    seen.add(resolved)
    kustomization = find_kustomization(directory)
    if kustomization is None:
        return
    try:
        documents = load_file_documents(kustomization)
    except LoadError:  # kustomize itself reports a broken kustomization
        return
    if not documents:
        return
    shown = display_path(kustomization, root)
    document = documents[0]
    source_map.kustomizations.append((shown, document))
    for generator_key, kind in (("configMapGenerator", "ConfigMap"), ("secretGenerator", "Secret")):
        entries = mapping_get(document, generator_key)
        for entry in entries if isinstance(entries, PosList) else []:
            name = scalar(mapping_get(entry, "name"))
            if name:
                source_map.objects.setdefault((kind, name), (shown, entry))
    for key in ("resources", "bases", "components"):
        entries = mapping_get(document, key)
        for entry in entries if isinstance(entries, PosList) else []:
            reference = scalar(entry)
            if not reference or "://" in reference or reference.startswith("git@"):
                continue
            target = directory / reference
            if target.is_dir():
                _walk(target, source_map, seen, root)
            elif target.is_file():
                source_map.pending.setdefault(target, display_path(target, root))


def _index_text(text: str, shown: str, source_map: SourceMap) -> None:
    try:
        documents = load_documents(text)
    except LoadError:  # not a manifest we can read: kustomize reports it
        return
    for node in documents:
        kind = scalar(mapping_get(node, "kind"))
        name = scalar(mapping_get(mapping_get(node, "metadata"), "name"))
        if kind and name:
            source_map.objects.setdefault((kind, name), (shown, node))
        elif kind == "List":
            items = mapping_get(node, "items")
            for item in items if isinstance(items, PosList) else []:
                item_kind = scalar(mapping_get(item, "kind"))
                item_name = scalar(mapping_get(mapping_get(item, "metadata"), "name"))
                if item_kind and item_name:
                    source_map.objects.setdefault((item_kind, item_name), (shown, item))
