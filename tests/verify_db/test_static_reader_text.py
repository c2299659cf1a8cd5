"""What the ``ast`` reader says in its findings: expressions as the user spelled them (substituted parts as
spelled at the call, also inside f-strings), on the lines the libcst reader used, and the file forms
Python accepts (one-line bodies, a byte order mark, non-ASCII text) or rejects (one line, exit 2)."""

from __future__ import annotations

import re

import pytest
from test_static_reader import revision

from infractl.errors import InfractlError
from infractl.verify_db.rules import RuleSettings
from infractl.verify_db.static.chain import check_migrations


def messages(versions) -> list[tuple[str, int, str]]:
    return [(f.rule, f.line, f.message) for f in check_migrations(versions, RuleSettings())[0]]


def test_a_substituted_table_name_is_spelled_as_at_the_call_and_reported_on_the_helpers_line(tmp_path):
    versions = revision(tmp_path / "versions", '''\
        add_events(tenant.schema( "x" ), compute(1,  2))
        ''', header='''
def add_events(prefix, suffix):
    op.add_column(f"{prefix}_{suffix}", sa.Column("created_at", sa.DateTime()))''')
    assert messages(versions) == [(
        "DB010", 5, ('not followed statically: op.add_column() on a table named at run time '
                     '(f"{tenant.schema( "x" )}_{compute(1,  2)}"); the tables it touches are unknown; '
                     'run with --replay'))]


def test_a_multi_line_condition_keeps_its_lines_without_the_blocks_indentation(tmp_path):
    versions = revision(tmp_path / "versions", '''\
        if feature.enabled(
                "audit"):
            op.drop_table("audit_log")
        ''', header="from myapp import feature")
    ((rule, line, message),) = messages(versions)
    assert (rule, line) == ("DB010", 10)
    assert message.startswith('not followed statically: `if feature.enabled(\n        "audit")` is decided at run '
                              'time (both branches read); it may touch audit_log')


def test_non_ascii_text_before_an_expression_on_its_line(tmp_path):
    """ast's columns count UTF-8 bytes: the text is cut at characters, not bytes."""
    versions = revision(tmp_path / "versions", '''\
        note = "é"; op.alter_column(naming.table("ü"), "created_at", server_default=None)
        ''', header="from myapp import naming")
    assert messages(versions)[0][2].startswith(
        'not followed statically: op.alter_column() on a table named at run time (naming.table("ü"))')


def test_one_line_bodies_are_read(tmp_path):
    """``if ...: return``, ``for ...: op.x()`` and ``def f(): return ...`` on one line run like any other
    (the libcst reader skipped such bodies: a column made by ``stamp()`` was silently missed)."""
    versions = revision(tmp_path / "versions", '''\
        if op.get_context().dialect.name != "postgresql": return
        op.create_table("posts", stamp("created_at"))
        for name in ("edited_at", "seen_at"): op.add_column("posts", stamp(name))
        ''', header="\ndef stamp(name): return sa.Column(name, sa.DateTime(timezone=True), nullable=False)\n")
    _, state = check_migrations(versions, RuleSettings(patterns=("*_at",)))
    assert sorted(state.tables["posts"]) == ["created_at", "edited_at", "seen_at"]
    assert {c.data_type for c in state.tables["posts"].values()} == {"timestamp with time zone"}


def test_a_byte_order_mark_is_read_as_python_reads_it(tmp_path):
    versions = revision(tmp_path / "versions", '''\
        op.create_table("t", sa.Column("created_at", sa.DateTime(timezone=True), nullable=False))
        ''')
    path = versions / "r1_create.py"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert [(rule, line) for rule, line, _ in messages(versions)] == [("DB001", 9)]


@pytest.mark.parametrize(("text", "expected"), [
    (b"def upgrade(:\n    pass\n", ":1: invalid syntax"),
    (b"def upgrade():\n    pass\n      x = 1\n", ":3: unexpected indent"),
    (b"def upgrade():\n    pass\n\x00\n", r"(:\d+)?: source code (string )?cannot contain null bytes"),  # 3.11 | 3.12
])
def test_a_file_python_cannot_parse_is_one_line_naming_file_and_line(tmp_path, text, expected):
    (tmp_path / "r1.py").write_bytes(text)
    with pytest.raises(InfractlError) as caught:
        check_migrations(tmp_path, RuleSettings())
    assert re.fullmatch(re.escape(f"cannot parse migration {tmp_path / 'r1.py'}") + expected, str(caught.value))
