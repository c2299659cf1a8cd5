"""A cheap check, with the standard library's ``ast``, that a file without utcnow() is worth the flow analysis.

Values that are aware in the code as it stands (``datetime.now(timezone.utc)``, a second run) are
followed for hazards too, but most files that make them never let them meet a naive value: parsing
each with libcst would make a clean tree (Django: 5 such files of 2,788) pay for libcst. This looks
(names module-wide, one walk) for a comparison or subtraction with an aware call (or a name assigned one) on one
side and a naive value (or a name assigned one) on the other, or an aware value passed to ``localize()``:
the local forms of DT101 and DT108. Only such files go on to libcst.
"""

from __future__ import annotations

import re
from itertools import pairwise

# ``ast`` is imported by the functions that parse, not here (prefilter.py says why)
TYPE_CHECKING = False
if TYPE_CHECKING:
    import ast

UTC_NAMES = ("utc", "UTC")
_AWARE_CALLS = re.compile(rb"(?:now|fromtimestamp)\([^)]*\b(?:utc|UTC)\)").search
# the naive values an aware one can meet in a file without utcnow(): parsed or stripped text, a literal
# ``datetime(2020, 1, 1)``, ``now()``/``today()``, ``datetime.min``/``max``, ``combine(``. Searched only in the
# few files that already hold an aware call (Django: 4 of 2,788 files get as far as the ast parse)
_NAIVE_PARTNERS = re.compile(
    rb"strptime|fromisoformat|localize\(|tzinfo=None|datetime\(\s*\d|\.(?:now|today)\(\)|\.m(?:in|ax)\b|combine\("
).search
# Literal words, one of which each of those partners contains: a file with none of them cannot pass
# ``_NAIVE_PARTNERS``, and a plain search for each costs less than that regex (``prescan`` looks for
# them in a whole batch of files at once).
PARTNER_WORDS = (b"strptime", b"fromisoformat", b"localize(", b"tzinfo=None", b"datetime(", b".now()", b".today()",
                 b".min", b".max", b"combine(")
# One of which an aware call contains (``now(timezone.utc)``, ``fromtimestamp(t, tz=UTC)``): rarer than any
# partner word, so ``prescan`` searches a batch for these, and only a file holding one for the partners
AWARE_WORDS = (b"utc)", b"UTC)")
NAIVE_CALLS = frozenset({"strptime", "fromisoformat", "utcnow", "utcfromtimestamp", "combine"})


def _aware(node: ast.AST) -> bool:
    """``now(<utc>)``, ``fromtimestamp(t, tz=<utc>)``, ``x.replace(tzinfo=<utc>)``, and those ± a timedelta."""
    import ast

    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
        return _aware(node.left)
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
        return False
    values = [*node.args, *(k.value for k in node.keywords if k.arg in ("tz", "tzinfo"))]
    return node.func.attr in ("now", "fromtimestamp", "replace") and any(
        isinstance(v, (ast.Attribute, ast.Name)) and (getattr(v, "attr", None) or getattr(v, "id", "")) in UTC_NAMES
        for v in values)


def _naive(node: ast.AST) -> bool:
    import ast

    if isinstance(node, ast.Attribute):
        return node.attr in ("min", "max")
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    keywords = {k.arg for k in node.keywords}
    if name in NAIVE_CALLS:
        return True
    if name == "replace":
        return any(k.arg == "tzinfo" and isinstance(k.value, ast.Constant) and k.value.value is None
                   for k in node.keywords)
    if name in ("now", "today"):
        return not node.args and not keywords
    return name == "datetime" and "tzinfo" not in keywords and len(node.args) < 8


def aware_meets_naive_text(data: bytes) -> bool:
    """The byte checks, then ``aware_meets_naive``. Plain substring searches first (a regex whose pattern
    starts with alternatives scans ~10x slower): a clean tree must pay next to nothing for this."""
    if b"datetime" not in data or not any(word in data for word in AWARE_WORDS):
        return False
    if not any(word in data for word in PARTNER_WORDS):
        return False
    return bool(_NAIVE_PARTNERS(data) and _AWARE_CALLS(data)) and aware_meets_naive(data)


def aware_meets_naive(source: bytes) -> bool:
    import ast

    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError, SystemError):
        return True  # let the real parser report it (SystemError: CPython 3.11's AST recursion-depth mismatch)
    return _meets_in(tree)


def _meets_in(tree: ast.AST) -> bool:
    """One walk; names are taken module-wide (a superset of the per-function truth is enough here)."""
    import ast

    nodes = list(ast.walk(tree))
    aware_names, naive_names = set(), set()
    for node in nodes:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            if _aware(node.value):
                aware_names.add(node.targets[0].id)
            elif _naive(node.value):
                naive_names.add(node.targets[0].id)

    def aware(n: ast.AST) -> bool:
        return _aware(n) or (isinstance(n, ast.Name) and n.id in aware_names)

    def naive(n: ast.AST) -> bool:
        return _naive(n) or (isinstance(n, ast.Name) and n.id in naive_names)

    for node in nodes:
        pairs = []
        if isinstance(node, ast.Compare):
            pairs = list(pairwise([node.left, *node.comparators]))
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub):
            pairs = [(node.left, node.right)]
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "localize" and node.args and aware(
                node.args[0]):
            return True
        if any((aware(a) and naive(b)) or (naive(a) and aware(b)) for a, b in pairs):
            return True
    return False
