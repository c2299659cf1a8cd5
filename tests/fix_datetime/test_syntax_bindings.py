"""``syntax.scopes`` against libcst's ScopeProvider on every binding form (inputs written for this test),
and its answers by hand where the analysis relies on them."""

from __future__ import annotations

import ast

import pytest
from test_syntax_scopes import differences

from infractl.fix_datetime.syntax.scopes import Scopes

# --- the inputs: every binding form libcst's ScopeProvider knows, each written for this test ---------
BINDINGS = {
    "imports": """
from datetime import datetime as dt, timezone
import os.path
import datetime
import xml.etree.ElementTree as ET
from . import sibling
from ..pkg.mod import thing as other
from pkg import *
print(dt.utcnow(), os.path.join, datetime.datetime.utcnow(), ET.parse, sibling, other.x, timezone.utc)
""",
    "functions": """
from datetime import datetime as dt
def f(x=dt.utcnow(), /, a=1, *args, y: "dt" = None, z, **kw) -> "list[dt]":
    y = dt.utcnow()
    return x, a, args, y, z, kw
@f(dt)
async def g(d=dt):
    async for i in d:
        await i
    async with d as e:
        return e
lam = lambda p, r=dt: p + r
""",
    "classes": """
from datetime import datetime
class C(datetime, metaclass=type):
    a = 1
    b = [a for _ in range(3)]
    c = [_ for _ in range(a)]
    def m(self, q=a):
        return a, q, C, datetime
    def n(self):
        def inner():
            nonlocal self
            self = 2
        return inner
""",
    "comprehensions": """
rows = [[1, 2], [3]]
flat = [y for x in rows for y in x if y]
odd = [y for x in rows for y in x if x for z in y]
gen = (i * j for i in range(3) for j in range(i) if j)
d = {k: v for k, v in {}.items()}
s = {(a, b) for (a, b) in [(1, 2)]}
again = [x for x in x]
walrus = [last := n for n in range(3)]
""",
    "global_nonlocal": """
G = 0
def bump():
    global G
    G = G + 1
    def inner():
        global H
        H = 1
    return inner
def outer():
    v = 1
    class K:
        v = 2
        def f(self):
            nonlocal v
            v = 3
            return v
    return K
""",
    "statements": """
import datetime
if (w := datetime.datetime.utcnow()): print(w)
try:
    pass
except (ValueError, TypeError) as err:
    print(err)
except Exception:
    raise
with open("f") as fh, open("g") as (a, b):
    del fh
x = 1
x += 1
x: int = 2
y = x = x + 1
for q in range(x):
    q
else:
    x
while x:
    break
del x, a[0], b.c
""",
    "typing": """
from typing import TYPE_CHECKING, Dict, Literal, NewType, TypeVar, cast
import typing as t
if TYPE_CHECKING:
    from datetime import date
T = TypeVar("T", bound="date")
U = NewType("U", "date")
c = cast("date", None)
lit: Literal["date"] = "date"
hint: Dict["date", t.Optional["date"]] = {}
ann: "Dict[str, date]"
def f(a: "date.today", b: "not valid (", c: list["date"]) -> t.List["date"]:
    return f"{a!r:>{b}}"
""",
    "match": """
point = (1, 2)
class P:
    x = 0
match point:
    case [1, *rest] if rest:
        print(rest)
    case {"k": v, **others}:
        print(v, others)
    case P(x=1, y=yy) as whole:
        print(yy, whole)
    case P.x | None:
        pass
    case other:
        print(other)
""",
    "shadowing": """
import datetime
def before():
    print(datetime)
    datetime = 1
    return datetime
def later():
    x = x
    print(len, print, datetime.datetime.utcnow())
print(undefined, "s".join, (1).real, later().attr, [1][0].real, print().x)
datetime = None
""",
    "strings": """
import os.path
import typing_extensions as te
from typing import Optional, List, Annotated
def f(a: "os.path.join", b: "List['os.path']", c: Annotated[int, "os"],
      d: te.Literal["os"]) -> "Optional[List[os.path]]":
    x: "os" = 1
    return x
class typing:
    def cast(self): pass
cast = typing.cast
y = cast("os", 1)
z = te.cast("os", 1)
v: list["os"] = []
w = List["os"]
""",
    "dotted_shadow": """
import a.b.c
import a.b as ab
def f():
    a = 1
    return a.b.c, ab.c
x = a.b.c.d(a.b).e
y = a.b[0].c
z = (lambda: a.b.c)().q
print(f"{a.b.c!r} {x:{a.b}}")
""",
    "global_in_class": """
class K:
    global g
    g = 1
    h = [g for _ in ()]
def f():
    global K
    class K: pass
    return K
""",
    "walrus_comp": """
def f(data):
    if any((hit := x) > 1 for x in data):
        return hit
    return [y := 1, y]
""",
}


@pytest.mark.parametrize("name", sorted(BINDINGS))
def test_scopes_agree_with_libcst_on_every_binding_form(name):
    assert differences(BINDINGS[name]) == []


def test_qualified_names_and_bindings_by_hand():
    code = BINDINGS["imports"] + BINDINGS["shadowing"].replace("import datetime\n", "")
    tree = ast.parse(code)
    scopes = Scopes(tree)
    by_text = {ast.unparse(n): n for n in ast.walk(tree) if isinstance(n, (ast.Name, ast.Attribute))}
    assert scopes.names_of(by_text["dt.utcnow"]) == {"datetime.datetime.utcnow"}
    assert scopes.names_of(by_text["os.path.join"]) == {"os.path.join"}
    assert scopes.names_of(by_text["ET.parse"]) == {"xml.etree.ElementTree.parse"}
    assert scopes.names_of(by_text["sibling"]) == {".sibling"}
    assert scopes.names_of(by_text["other.x"]) == {"..pkg.mod.thing.x"}
    assert scopes.names_of(by_text["undefined"]) == set()
    module = scopes.global_scope
    assert module.kind == "global" and module.parent.kind == "builtin"
    assert module.parent.parent is module.parent  # as libcst: the builtin scope is its own parent
    imports = [a.node for a in module["os.path"]]
    assert len(imports) == 1 and isinstance(imports[0], ast.Import)
    assert [a.node for a in module["len"]] == [None] and "len" in module and "undefined" not in module
    later = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "later")
    inner = scopes.of(later.body[0])
    assert inner.kind == "function" and inner.node is later and scopes.of(later) is module
    [x_binding] = inner["x"]
    assert isinstance(x_binding.node, ast.Name) and x_binding.references == []  # ``x = x`` reads no local x
    [datetime_binding] = [a for a in module["datetime"] if isinstance(a.node, ast.Import)]
    used = [(access.node.lineno, ast.unparse(access.node)) for access in datetime_binding.references]
    # the module's own use; before()'s use ahead of its local binding; later()'s, through the dotted chain
    assert used == [(9, "datetime"), (12, "datetime"), (17, "datetime")]
    assert scopes.names_of(by_text["'s'.join"]) == {"builtins.None"}  # libcst's "None.join", kept
