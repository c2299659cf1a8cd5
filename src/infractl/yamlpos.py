"""YAML with line numbers: mappings and sequences that remember where each key and item stands.

PyYAML's composer gives every node a start mark; this turns the node graph into plain dicts and
lists (subclasses) carrying 1-based lines, so a checker can point a finding at ``file:line``.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing costs ~2 ms of start-up (infractl check); only type checkers need Any
if TYPE_CHECKING:
    from typing import Any

from infractl.errors import InfractlError


class PosDict(dict):
    """A mapping; ``line`` is where it starts, ``key_lines[k]``/``value_lines[k]`` where k and its value do."""

    line: int = 0

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.key_lines: dict[Any, int] = {}
        self.value_lines: dict[Any, int] = {}
        self.block_scalars: set[Any] = set()  # keys whose value is a `|` or `>` block (text starts a line later)


class PosList(list):
    line: int = 0

    def __init__(self, *args) -> None:
        super().__init__(*args)
        self.item_lines: list[int] = []


class SourceFloat(float):
    """A float that remembers how it was written: ``3.10`` loads as 3.1, which is rarely what was meant."""

    text: str = ""


class YamlError(Exception):
    def __init__(self, message: str, line: int | None, column: int | None) -> None:
        super().__init__(message)
        self.line, self.column = line, column


def load_documents(text: str) -> list[Any]:
    """Every document in ``text`` as PosDict/PosList/scalars. Raises YamlError with a position."""
    import yaml

    loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loader = loader_class(text)
    try:
        documents = []
        while loader.check_node():
            node = loader.get_node()
            documents.append(_convert(node, loader) if node is not None else None)
        return documents
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise YamlError(f"{exc.problem or exc.context}", line, column) from None
    except yaml.YAMLError as exc:
        raise YamlError(str(exc), None, None) from None
    finally:
        loader.dispose()


def _convert(node, loader) -> Any:
    import yaml

    if isinstance(node, yaml.MappingNode):
        result = PosDict()
        result.line = node.start_mark.line + 1
        loader.flatten_mapping(node)  # merge keys (<<: *anchor)
        for key_node, value_node in node.value:
            key = _convert(key_node, loader)
            if isinstance(key, (PosDict, PosList)):
                key = str(key)
            result[key] = _convert(value_node, loader)
            result.key_lines[key] = key_node.start_mark.line + 1
            result.value_lines[key] = value_node.start_mark.line + 1
            if isinstance(value_node, yaml.ScalarNode) and value_node.style in ("|", ">"):
                result.block_scalars.add(key)
        return result
    if isinstance(node, yaml.SequenceNode):
        result = PosList()
        result.line = node.start_mark.line + 1
        for item in node.value:
            result.append(_convert(item, loader))
            result.item_lines.append(item.start_mark.line + 1)
        return result
    value = loader.construct_object(node, deep=True)
    if isinstance(value, float) and not isinstance(value, bool):
        value = SourceFloat(value)
        value.text = node.value
    return value


def load_file_documents(path) -> list[Any]:
    try:
        with open(path, encoding="utf-8") as handle:
            return load_documents(handle.read())
    except OSError as exc:
        raise InfractlError(f"cannot read {path}: {exc.strerror}") from None
