"""Which files are worth handing to libcst: a byte scan, then the standard library's ``ast``.

libcst costs ~100x what ``ast`` does per file (parse plus scope analysis), and a project's own
``utcnow()`` helper can be mentioned in hundreds of files. So a file reaches libcst only when:

1. its bytes contain the *attribute* text ``.utcnow`` / ``.utcfromtimestamp`` (the standard
   library's forms are always attributes: ``datetime.utcnow()``, ``dt.datetime.utcnow``,
   ``default=DT.utcnow``; between the dot and the name there may be whitespace, a backslash
   continuation or a comment inside brackets), and
2. it mentions ``datetime`` at all (the module must be imported, a stub must name it), and
3. ``ast`` finds an Attribute named ``utcnow``/``utcfromtimestamp`` whose receiver can be the
   ``datetime`` class given the file's imports: a name bound by ``from datetime import datetime
   [as X]``, or ``M.datetime`` where ``M`` is bound by ``import datetime [as M]`` (imports anywhere
   in the file, any scope: a superset of what libcst's scope analysis then accepts).

Clock stubs in tests name the method without calling it on the class: ``m.utcnow.return_value``,
``m.utcnow.side_effect``, ``x.utcnow = fake``, ``patch("pkg.mod.datetime.utcnow")``,
``patch.object(mod.datetime, "utcnow")``. A file with such a form goes to libcst too (the rewrite of
stubs needs it), so the byte scan also accepts a quoted ``"utcnow"``, and ``def utcnow(`` in a fake
``datetime`` subclass (a stub that cannot follow the rewrite: DT107 there and at the stubbed module).
A test that patches the project's own helper by name (``patch("app.clock.utcnow")``) names no stub of the
standard library's clock, and is no candidate for it: google-auth 2.17.3 has ten such test files (290 KB),
each parsed by the rewrite only to find nothing.

Most files that get as far as ``ast`` call the project's own helper (``clock.utcnow()``, ``self.utcnow()``)
and also import ``datetime`` for something else: one ``ast`` parse each was most of ``--check``'s time on a
tree with ~450 such calls. When every occurrence of the names is a plain call ``R.utcnow(`` on a receiver
``R`` that cannot be the ``datetime`` class (``R`` is not ``datetime``, and, when not itself an attribute,
no ``as R`` binds it), ``ast`` would find no receiver, no store, no stub and no quoted name either: the
answer is no without the parse (``_only_other_receivers``).

A file ``ast`` cannot parse (syntax error, bad encoding, too deep) goes to libcst anyway, which
reports it. ``getattr(datetime, "utcnow")`` was never rewritten and is not looked for.
"""

from __future__ import annotations

import re

from infractl.fix_datetime.select.namebytes import (
    NAMES,
    NONE,
    OTHER,
    PLAIN,
    WORD,
    classify,
    mentions,
    plain_stdlib_call,
    quoted_helper,
    quoted_target,
)

# ``ast`` is imported by the functions that parse, not here: ``infractl check`` loads this module before
# its head start forks (infractl.discover.scanner), where every import delays both processes; ~2 ms for ast.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import ast

TARGET_ATTRS = frozenset({"utcnow", "utcfromtimestamp"})
STUB_ATTRS = frozenset({"return_value", "side_effect"})

# The byte scan (``mentions_utc_attribute``): ``.`` then optional whitespace, backslash-newlines or comments
# (inside brackets), then the name; or the name quoted (a stub's attribute name: ``patch.object(mod.datetime,
# "utcnow")``); or ``def utcnow``. Each occurrence of the name is looked at where it stands (namebytes.py).


# A file that may put something in place of a module's ``datetime`` (stubtargets.py parses it): a quoted
# name ending in ``datetime`` (or ``patch.multiple(mod, datetime=...)``), first by the literal-prefixed
# search (every file that mentions datetime is looked at when there is something to rewrite), then a patch
# or setattr call.
DATETIME_QUOTE = re.compile(rb"datetime['\"=]").search
_DATETIME_THEN_QUOTE = re.compile(rb"datetime['\"]").finditer
_QUOTE_BEFORE = re.compile(rb"""['"](?:[\w.]+\.)?$""").search  # searched back from each match: no slow scan


def may_install_stub(data: bytes) -> bool:
    return bool(DATETIME_QUOTE(data) and (b"patch" in data or b"setattr" in data)
                and (b"multiple(" in data or _quoted_datetime(data)))


def _quoted_datetime(data: bytes) -> bool:
    """A quoted name ending in ``datetime``: ``"datetime"``, ``'pkg.mod.datetime'``."""
    return any(_QUOTE_BEFORE(data, max(0, m.start() - 256), m.start()) for m in _DATETIME_THEN_QUOTE(data))


# the receiver right before the dot: an ASCII name, not preceded by another name character (a non-ASCII
# byte there could be part of it); preceded by a dot when it is an attribute itself
_RECEIVER = re.compile(rb"(?<![\w\x80-\xff])(\.?)([A-Za-z_]\w*)\Z")
_RECEIVER_REACH = 256


def _only_other_receivers(data: bytes) -> bool:
    """True when every match of the byte scan is a plain call on a receiver that cannot be the ``datetime``
    class given any import (``ast`` would then answer no); False when in doubt."""
    aliased: dict[bytes, bool] = {}
    for match in NAMES(data):
        kind = classify(data, match.start(), match.end())
        if kind == NONE or kind == OTHER and quoted_helper(data, match.start(), match.end()):
            continue  # ``"app.clock.utcnow"``: the walk's ``_names_target`` would not stop at it either
        if kind != PLAIN:
            return False  # a quoted name, ``def utcnow``, a comment in between, a reference, a store, a stub
        start = match.start() - 1  # the dot
        receiver = _RECEIVER.search(data, max(0, start - _RECEIVER_REACH), start)
        if receiver is None or receiver.start() == max(0, start - _RECEIVER_REACH) > 0:
            return False  # ``f().utcnow(``, ``x .utcnow(``, or too long a name to see whole
        name = receiver.group(2)
        if name == b"datetime":
            return False
        if not receiver.group(1):
            if name not in aliased:
                aliased[name] = _bound_by_as(data, name)
            if aliased[name]:
                return False  # ``from datetime import datetime as R`` (or any other ``as R``): let ``ast`` tell
    return True


def _bound_by_as(data: bytes, name: bytes) -> bool:
    r"""``\bas[\s\\]+name\b`` somewhere in ``data``: searched from its literal ``as`` (a pattern that begins
    with ``\b`` is tried at every byte: ~8 ms of google-auth's 11 ms prefilter), the ``\b`` checked after."""
    for match in re.finditer(rb"as[\s\\]+" + name + rb"\b", data):
        if not match.start() or data[match.start() - 1] not in WORD:
            return True
    return False


def mentions_utc_attribute(data: bytes) -> bool:
    """The byte scan: ``.utcnow``/``.utcfromtimestamp`` attribute text, or the names quoted."""
    return mentions(data)


# The two plain spellings of a stdlib call, under the import that makes them one (namebytes.plain_stdlib_call),
# and a stub's target named in a string (``patch("pkg.mod.utcnow")``, ``patch.object(m, "utcnow")``, the
# walk below would return at its Constant: ``_names_target``): the file goes on to the rewrite (whose own
# parse decides) without this parse and walk. A shadowed name, or a match in a comment, is the rewrite's
# business: this filter only has to keep every file that may hold a site.


def calls_stdlib_utc(data: bytes, parsed: list | None = None) -> bool:
    """True when ``data`` may use ``datetime.utcnow``/``utcfromtimestamp`` (or does not parse). ``parsed``
    gets the ``ast`` parse when there was one, for the rewrite to use rather than parse the file again."""
    import ast

    if not mentions_utc_attribute(data) or b"datetime" not in data:
        return False  # every stdlib site (and stub) needs ``datetime`` imported or named
    if plain_stdlib_call(data) or quoted_target(data):
        return True
    if _only_other_receivers(data):
        return False  # the project's own helper, called on something that is not datetime
    try:
        tree = ast.parse(data)
    except (SyntaxError, ValueError, RecursionError, MemoryError, SystemError):  # SystemError: CPython 3.11's
        return True  # AST recursion-depth mismatch after a deep parse; let libcst report it (DT001/DT002)
    if parsed is not None:
        parsed.append(tree)
    module_names: set[str] = set()
    class_names: set[str] = set()
    receivers: list[ast.expr] = []
    for node in ast.walk(tree):  # one pass: imports anywhere bind for the whole file
        if isinstance(node, ast.Attribute):
            if node.attr in TARGET_ATTRS:
                if isinstance(node.ctx, ast.Store):
                    return True  # ``x.utcnow = fake``: a stub
                receivers.append(node.value)
            elif node.attr in STUB_ATTRS and isinstance(node.value, ast.Attribute) and node.value.attr in TARGET_ATTRS:
                return True  # ``m.utcnow.return_value``
        elif isinstance(node, ast.ClassDef) and _fake_datetime_class(node):
            return True  # ``class FakeDatetime(datetime): def utcnow(cls)``: a stub
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and _names_target(node.value):
            return True  # ``patch("...datetime.utcnow")``, ``patch.object(x, "utcnow")``
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            _note_import(node, module_names, class_names)
    return any(_is_datetime_class(receiver, module_names, class_names) for receiver in receivers)


def may_use_datetime_class(code: str | bytes) -> bool:
    """Whether some ``R.name`` in the code may have the ``datetime`` class as ``R`` (``R.utcnow``, an aware
    ``R.now(tz)``, any other method), by the same import rules as ``calls_stdlib_utc``; True when ``ast``
    cannot parse it. A file with no such attribute has no stdlib site and no value the flow analysis would
    start from, so the rewrite needs no scope analysis for it (a test that only patches
    ``"app.clock.utcnow"``)."""
    import ast

    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError, SystemError):
        return True
    module_names, class_names, receivers = _bindings_and_receivers(tree, None)
    return any(_is_datetime_class(receiver, module_names, class_names) for receiver in receivers)


def _bindings_and_receivers(tree: ast.AST, attrs: frozenset[str] | None) -> tuple[set[str], set[str], list]:
    """Names bound to the datetime module and class by imports anywhere, and the receivers of the
    attributes named in ``attrs`` (of every attribute when None)."""
    import ast

    module_names: set[str] = set()
    class_names: set[str] = set()
    receivers: list[ast.expr] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            if attrs is None or node.attr in attrs:
                receivers.append(node.value)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            _note_import(node, module_names, class_names)
    return module_names, class_names, receivers


def _note_import(node: ast.Import | ast.ImportFrom, module_names: set[str], class_names: set[str]) -> None:
    """``import datetime [as M]`` binds a module name; ``from datetime import datetime [as X]`` a class name."""
    import ast

    if isinstance(node, ast.Import):
        module_names.update(a.asname or "datetime" for a in node.names if a.name == "datetime")
    elif node.module == "datetime" and not node.level:
        class_names.update(a.asname or "datetime" for a in node.names if a.name == "datetime")


def _is_datetime_class(receiver: ast.expr, module_names: set[str], class_names: set[str]) -> bool:
    """``X`` bound by ``from datetime import datetime [as X]``, or ``M.datetime`` for ``import datetime [as M]``."""
    import ast

    if isinstance(receiver, ast.Name):
        return receiver.id in class_names
    return (isinstance(receiver, ast.Attribute) and receiver.attr == "datetime"
            and isinstance(receiver.value, ast.Name) and receiver.value.id in module_names)


def _fake_datetime_class(node: ast.ClassDef) -> bool:
    import ast

    based = any((getattr(b, "attr", None) or getattr(b, "id", None)) == "datetime" for b in node.bases)
    return based and any(isinstance(f, ast.FunctionDef) and f.name in TARGET_ATTRS for f in node.body)


def _names_target(text: str) -> bool:
    """A string the stub phase renames: ``"utcnow"``, ``"pkg.mod.datetime.utcnow"`` (namebytes.quoted_target)."""
    return text in TARGET_ATTRS or text.endswith(("datetime.utcnow", "datetime.utcfromtimestamp"))
