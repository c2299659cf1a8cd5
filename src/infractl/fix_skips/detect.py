"""Find tests that are skipped unconditionally (stdlib ``ast``: fast enough for a whole test tree).

An unconditional skip is a test that never runs anywhere: ``@pytest.mark.skip``, ``@unittest.skip``,
``pytestmark = pytest.mark.skip(...)``, or ``pytest.skip(..., allow_module_level=True)`` at module level.
When its reason names a running service (a database, Docker, a server, "CI only", ...), the test was
meant to run where that service exists: fix-skips gates it on an environment variable instead.
"""

from __future__ import annotations

import ast
import re
from collections import namedtuple

from infractl.load.pyast import dotted_name

SERVICE_WORDS = re.compile(
    r"\b(docker|compose|postgres(ql)?|database|db|mysql|mariadb|redis|kafka|rabbit(mq)?|mongo(db)?|"
    r"elasticsearch|opensearch|minio|s3|server|service|services|wiremock|e2e|end[- ]to[- ]end|integration|"
    r"network|ci only|in ci|live|cluster|kubernetes|k8s|selenium|browser|smtp|ldap|api key|credentials)\b",
    re.IGNORECASE,
)


class Skip(namedtuple("Skip", "line column form reason target")):
    """One unconditional skip: where, its ``form`` ("decorator", "pytestmark", "module-call"), its reason,
    and the test it skips (``target``: "module" for module-wide skips). A named tuple: ``check`` finds
    these in every repository's tests (findings.py says why not a dataclass)."""

    __slots__ = ()

    @property
    def needs_service(self) -> bool:
        return bool(SERVICE_WORDS.search(self.reason))





def _reason(call: ast.AST) -> str:
    if not isinstance(call, ast.Call):
        return ""
    for keyword in call.keywords:
        if keyword.arg in ("reason", "msg") and isinstance(keyword.value, ast.Constant):
            return str(keyword.value.value)
    if call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str):
        return call.args[0].value
    return ""


def _is_skip_mark(node: ast.AST, names: set[str]) -> bool:
    target = node.func if isinstance(node, ast.Call) else node
    dotted = dotted_name(target)
    return dotted in ("pytest.mark.skip", "mark.skip", "unittest.skip") or (dotted == "skip" and "skip" in names)


def _statements(tree: ast.Module):
    """Every statement at any depth, and no expression: decorated definitions and imports are statements,
    and a big test module has ~10x more expression nodes than statements for ``ast.walk`` to visit."""
    stack = list(tree.body)
    while stack:
        node = stack.pop()
        yield node
        for name in ("body", "orelse", "finalbody", "handlers", "cases"):  # handlers, cases: their bodies
            children = getattr(node, name, None)
            if isinstance(children, list):
                stack.extend(children)


def find_skips(source: str) -> list[Skip]:
    """Every unconditional skip in a module's source (a SyntaxError propagates)."""
    tree = ast.parse(source)
    statements = list(_statements(tree))
    # ``skip`` alone only counts when it was imported from unittest (``from unittest import skip``)
    names = {alias.asname or alias.name for node in statements if isinstance(node, ast.ImportFrom)
             and node.module == "unittest" for alias in node.names if alias.name == "skip"}
    skips: list[Skip] = []
    for node in statements:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for decorator in node.decorator_list:
                if _is_skip_mark(decorator, names):
                    skips.append(Skip(decorator.lineno, decorator.col_offset + 1, "decorator",
                                      _reason(decorator), node.name))
    for statement in tree.body:
        if (isinstance(statement, ast.Assign) and any(dotted_name(t) == "pytestmark" for t in statement.targets)
                and _is_skip_mark(statement.value, names)):
            skips.append(Skip(statement.lineno, statement.col_offset + 1, "pytestmark", _reason(statement.value),
                              "module"))
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
            call = statement.value
            if dotted_name(call.func) == "pytest.skip" and any(
                k.arg == "allow_module_level" and isinstance(k.value, ast.Constant) and k.value.value is True
                for k in call.keywords
            ):
                skips.append(Skip(statement.lineno, statement.col_offset + 1, "module-call", _reason(call), "module"))
    return sorted(skips, key=lambda s: (s.line, s.column))
