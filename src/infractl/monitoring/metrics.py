"""Which metrics a service exports, and which metrics a PromQL expression reads.

Exported names come from the service's Python source (prometheus_client ``Counter("name", ...)``,
``Gauge``, ``Histogram``, ``Summary``, with the suffixes the client adds), from configuration
(``[tool.infractl.monitoring] metrics``), and from what every scrape has anyway (``up``, ...).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from pathlib import Path

# Present for every scrape target, or added by the Python client's default collectors.
ALWAYS = frozenset({"up", "scrape_duration_seconds", "scrape_samples_scraped", "scrape_series_added",
                    "scrape_samples_post_metric_relabeling"})
DEFAULT_PREFIXES = ("process_", "python_")
SUFFIXES = {
    "Counter": ("_total", "_created"),
    "Gauge": ("",),
    "Histogram": ("_bucket", "_sum", "_count", "_created"),
    "Summary": ("", "_sum", "_count", "_created"),
    "Info": ("_info",),
    "Enum": ("",),
}
PROMQL_WORDS = frozenset({
    "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk",
    "quantile", "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless",
    "offset", "inf", "nan", "atan2", "start", "end",
})
_STRING = re.compile(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'|`[^`]*`')
_MATCHERS = re.compile(r"\{[^{}]*\}")
_RANGE = re.compile(r"\[[^\[\]]*\]")
_GROUPING = re.compile(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)")
_IDENT = re.compile(r"(?<![\w:.])([a-zA-Z_:][a-zA-Z0-9_:]*)(?![\w:])(?!\s*\()")
_NUMBER_UNIT = re.compile(r"^\d")


def metrics_in_expression(expr: str) -> set[str]:
    """Metric names a PromQL expression selects (function names, keywords and label names excluded)."""
    text = _STRING.sub(" ", expr)
    text = _GROUPING.sub(" ", text)
    text = _MATCHERS.sub(" ", text)
    text = _RANGE.sub(" ", text)
    names = set()
    for match in _IDENT.finditer(text):
        name = match.group(1)
        if name.lower() not in PROMQL_WORDS and not _NUMBER_UNIT.match(name):
            names.add(name)
    for selector in re.finditer(r'__name__\s*=\s*"([^"]+)"', expr):
        names.add(selector.group(1))
    return names


def exported_by_source(files: Iterable[Path]) -> set[str]:
    names: set[str] = set()
    for file in files:
        try:
            tree = ast.parse(file.read_text(encoding="utf-8", errors="replace"))
        except (SyntaxError, ValueError, OSError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                kind = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                if kind in SUFFIXES and node.args and isinstance(node.args[0], ast.Constant) \
                        and isinstance(node.args[0].value, str):
                    base = node.args[0].value
                    if kind == "Counter" and base.endswith("_total"):
                        base = base[: -len("_total")]
                    names.update(base + suffix for suffix in SUFFIXES[kind])
    return names


def is_known(name: str, exported: set[str]) -> bool:
    return name in exported or name in ALWAYS or name.startswith(DEFAULT_PREFIXES) or name.startswith("ALERTS")
