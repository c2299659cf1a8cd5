"""The fix-skips codemod (libcst): gate service-needing tests on an environment variable.

| before | after |
|---|---|
| ``@pytest.mark.skip(reason=R)`` | ``@pytest.mark.skipif(not os.environ.get(VAR), reason=R)`` |
| ``pytestmark = pytest.mark.skip(reason=R)`` | ``pytestmark = pytest.mark.skipif(not os.environ.get(VAR), reason=R)`` |
| ``pytest.skip(R, allow_module_level=True)`` | ``if not os.environ.get(VAR):`` + the same call, indented |
| ``@unittest.skip(R)`` | ``@unittest.skipUnless(os.environ.get(VAR), R)`` |

``unittest.skip`` stays a unittest decorator: a pytest mark is ignored by ``python -m unittest``, so
the test would suddenly run everywhere. Skips whose reason names no service ("flaky") are left alone
and reported: gating them on a variable would hide a problem, not fix it. ``import os`` is added once.
Only the rewritten statements change; every other byte is kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from infractl.fix_skips.detect import Skip, find_skips

DEFAULT_ENV = "RUN_E2E_TESTS"


@dataclass(frozen=True)
class SkipsResult:
    code: str
    fixed: tuple[Skip, ...]  # rewritten
    kept: tuple[Skip, ...]  # unconditional, but not about a service: reported, left alone


def transform_source(code: str, env: str = DEFAULT_ENV, rewrite: Callable[[Skip], bool] | None = None) -> SkipsResult:
    """``rewrite(skip)`` False leaves a service skip as it is and out of the result (``# noqa: FS001`` on its
    line, or FS001 not selected): a suppressed finding is not fixed either."""
    skips = find_skips(code)  # SyntaxError propagates: the caller reports the file
    if rewrite is not None:
        skips = [s for s in skips if not s.needs_service or rewrite(s)]
    wanted = [s for s in skips if s.needs_service]
    kept = tuple(s for s in skips if not s.needs_service)
    if not wanted:
        return SkipsResult(code, (), kept)
    import libcst as cst
    from libcst.metadata import MetadataWrapper, PositionProvider

    module = cst.parse_module(code)
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    rewriter = _make_rewriter_class()({(s.line, s.column) for s in wanted}, env, wrapper.resolve(PositionProvider))
    new = wrapper.module.visit(rewriter)
    if rewriter.fixed and not _binds_os(new):
        new = _add_import_os(new)
    done = tuple(s for s in wanted if (s.line, s.column) in rewriter.fixed)
    left = sorted((*kept, *(s for s in wanted if s not in done)), key=lambda s: (s.line, s.column))
    return SkipsResult(new.code, done, tuple(left))


def _gate(env: str, negate: bool):
    import libcst as cst

    call = cst.parse_expression(f'os.environ.get("{env}")')
    return cst.UnaryOperation(cst.Not(), call) if negate else call


def _reason_arg(call) -> tuple[list, object | None]:
    """The call's arguments without the reason, and the reason expression (keyword or first positional)."""
    others, reason = [], None
    for index, arg in enumerate(call.args):
        name = arg.keyword.value if arg.keyword else None
        if name in ("reason", "msg") or (name is None and index == 0 and reason is None):
            reason = arg.value
        else:
            others.append(arg)
    return others, reason


def _make_rewriter_class():
    import libcst as cst

    _TIGHT_EQUAL = cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                                   whitespace_after=cst.SimpleWhitespace(""))

    class Rewriter(cst.CSTTransformer):
        def __init__(self, targets, env, positions) -> None:
            super().__init__()
            self.targets, self.env, self.positions = targets, env, positions
            self.fixed: set[tuple[int, int]] = set()

        def _key(self, node) -> tuple[int, int]:
            start = self.positions[node].start
            return start.line, start.column + 1

        def _skipif(self, node):
            """``X.skip(reason)`` (or bare ``X.skip``) -> ``X.skipif(not os.environ.get(VAR), reason=...)``."""
            func = node.func if isinstance(node, cst.Call) else node
            others, reason = _reason_arg(node) if isinstance(node, cst.Call) else ([], None)
            if reason is None:
                reason = cst.SimpleString(f'"set {self.env}=1 to run"')
            unittest = isinstance(func, cst.Attribute) and func.attr.value == "skip" and \
                isinstance(func.value, cst.Name) and func.value.value == "unittest"
            if unittest:
                new_func = func.with_changes(attr=cst.Name("skipUnless"))
                args = [cst.Arg(_gate(self.env, False)), cst.Arg(reason), *others]
            else:
                new_func = func.with_changes(attr=cst.Name("skipif")) if isinstance(func, cst.Attribute) else func
                args = [cst.Arg(_gate(self.env, True)), cst.Arg(reason, keyword=cst.Name("reason"), equal=_TIGHT_EQUAL), *others]
            return cst.Call(func=new_func, args=args)

        def leave_Decorator(self, original, updated):
            if self._key(original.decorator) in self.targets:
                self.fixed.add(self._key(original.decorator))
                return updated.with_changes(decorator=self._skipif(updated.decorator))
            return updated

        def leave_SimpleStatementLine(self, original, updated):
            if self._key(original) not in self.targets:
                return updated
            statement = updated.body[0]
            if isinstance(statement, cst.Assign):
                self.fixed.add(self._key(original))
                return updated.with_changes(body=[statement.with_changes(value=self._skipif(statement.value))])
            if isinstance(statement, cst.Expr):
                self.fixed.add(self._key(original))
                body = cst.IndentedBlock(body=[updated.with_changes(leading_lines=())])
                return cst.If(test=_gate(self.env, True), body=body, leading_lines=updated.leading_lines)
            return updated

    return Rewriter


def _binds_os(module) -> bool:
    import libcst as cst
    import libcst.matchers as m

    for statement in module.body:
        if m.matches(statement, m.SimpleStatementLine(body=[m.Import()])):
            for alias in statement.body[0].names:
                if isinstance(alias.name, cst.Name) and alias.name.value == "os" and alias.asname is None:
                    return True
    return False


def _add_import_os(module):
    """``import os`` among the first block of plain imports, in sorted place (isort's order); else before
    the first import, after the docstring and ``__future__`` imports."""
    import libcst as cst

    body = list(module.body)
    first = None
    for index, statement in enumerate(body):
        if not isinstance(statement, cst.SimpleStatementLine):
            break
        node = statement.body[0]
        if isinstance(node, cst.ImportFrom) and getattr(node.module, "value", "") == "__future__":
            continue
        if isinstance(node, (cst.Import, cst.ImportFrom)):
            first = index if first is None else first
            if isinstance(node, cst.Import) and _import_name(node) > "os" and (
                    index == first or isinstance(body[index - 1].body[0], cst.Import)):
                break
            if isinstance(node, cst.ImportFrom) or index > first and statement.leading_lines:
                break  # the stdlib block ends here
            continue
        if index == 0 and isinstance(node, cst.Expr) and isinstance(node.value, cst.SimpleString):
            continue  # the docstring
        break
    else:
        index = len(body)
    new = cst.parse_statement("import os\n", config=module.config_for_parsing)
    if index < len(body) and (first is None or index == first):
        moved = body[index]
        new = new.with_changes(leading_lines=moved.leading_lines)
        # ``import os`` opening the block before a third-party import gets isort's blank line after it
        gap = [cst.EmptyLine()] if _is_third_party(moved) else []
        body[index] = moved.with_changes(leading_lines=gap)
    body.insert(index, new)
    return module.with_changes(body=body)


def _is_third_party(statement) -> bool:
    import sys

    import libcst as cst

    node = statement.body[0] if isinstance(statement, cst.SimpleStatementLine) else None
    if isinstance(node, cst.Import):
        top = _import_name(node).split(".")[0]
    elif isinstance(node, cst.ImportFrom) and node.module is not None and not node.relative:
        top = cst.Module([]).code_for_node(node.module).split(".")[0]
    else:
        return False
    return top not in sys.stdlib_module_names


def _import_name(node) -> str:
    import libcst as cst

    name = node.names[0].name
    return cst.Module([]).code_for_node(name)
