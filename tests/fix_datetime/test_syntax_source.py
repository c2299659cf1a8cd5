"""``syntax.source.Source``: ast's byte columns as characters, text offsets, segments; ``parents``."""

from __future__ import annotations

import ast

from infractl.fix_datetime.syntax.source import Source, parents

CODE = 'x = "é"; y = datetime.utcnow()\r\nz = ("ü𝄞", datetime.utcnow())\rw = 1\n'


def _calls(tree):
    return [n for n in ast.walk(tree) if isinstance(n, ast.Call)]


def test_columns_are_characters_on_lines_that_are_not_ascii():
    source = Source(CODE)
    first, second = sorted(_calls(ast.parse(CODE)), key=lambda n: n.lineno)
    assert first.col_offset == 14  # bytes: "é" is two
    assert source.span(first) == (1, 13, 1, 30)
    assert source.span(second) == (2, 11, 2, 28)  # "ü" two bytes, "𝄞" four, each one character
    assert source.segment(first) == source.segment(second) == "datetime.utcnow()"


def test_offsets_follow_every_line_break_python_knows():
    source = Source(CODE)
    assert source.line_starts == [0, 32, 62, 68]
    tree = ast.parse(CODE)
    last = tree.body[-1]
    assert source.offset(3, 0) == source.start(last) == CODE.index("w = 1")
    assert source.end(last) == CODE.index("w = 1") + 5
    for call in _calls(tree):
        assert CODE[source.start(call):source.end(call)] == "datetime.utcnow()"


def test_an_ascii_text_keeps_the_columns_ast_gives():
    code = "if a:\n    b = (c.d)\n"
    source = Source(code)
    attribute = next(n for n in ast.walk(ast.parse(code)) if isinstance(n, ast.Attribute))
    assert source.span(attribute) == (2, 9, 2, 12)  # the node's own extent: the parentheses are not in it
    assert source.segment(attribute) == "c.d"


def test_a_form_feed_or_a_line_separator_is_no_line_break():
    code = "a = 1\x0c\nb = '\u2028'; c = d.e\n"
    source = Source(code)
    attribute = next(n for n in ast.walk(ast.parse(code)) if isinstance(n, ast.Attribute))
    assert len(source.line_starts) == 3
    assert source.segment(attribute) == "d.e" and source.span(attribute)[0] == 2


def test_parents_maps_every_node_but_the_shared_singletons():
    tree = ast.parse("def f(a):\n    return a + b.c\n")
    found = parents(tree)
    binop = next(n for n in ast.walk(tree) if isinstance(n, ast.BinOp))
    assert found[binop.left] is binop and found[binop.right.value] is binop.right
    assert isinstance(found[binop], ast.Return) and found[tree.body[0].args.args[0]] is tree.body[0].args
    assert tree not in found
    assert not any(isinstance(n, (ast.expr_context, ast.operator)) for n in found)
    shared = (ast.expr_context, ast.operator)
    expected = sum(1 for n in ast.walk(tree) if n is not tree and not isinstance(n, shared))
    assert len(found) == expected
    assert Source.parents(tree) == found
