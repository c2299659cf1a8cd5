"""yamldocs' fast road (load/yamlevents.py, built from libyaml's events) gives exactly what the node road
gives: the same values of the same types, the same lines of every mapping, key, value and item, the same
block scalars and float spellings, and, for whatever it does not take, the node road's own answer or error."""

from __future__ import annotations

import datetime
import math

import pytest

from infractl.load import LoadError, yamldocs, yamlevents
from infractl.load.yamldocs import PosDict, PosList, SourceFloat

PLAIN = {
    "workflow": "on:\n  push:\n    branches: [main]\njobs:\n  test:\n    runs-on: ubuntu-latest\n"
                "    steps:\n      - uses: actions/checkout@v4\n      - run: |\n          pytest -q\n"
                "        env: {CI: true, N: 3, X: ~, Y: '', Z: null}\n",
    "scalars": "a: yes\nb: 'yes'\nc: 0o17\nd: 017\ne: 0x1f\nf: 3.10\ng: .inf\nh: -.NaN\ni: 1_000\nj: 2026-12-06\n"
               "k: 2026-12-06T21:00:00Z\nl: '3.10'\nm: \"x\"\nn:\no: off\np: >\n  folded\n  text\nq: 1e3\nr: +12\n",
    "keys": "1: int\n1.5: float\nfalse: bool\n~: none\n'<<': quoted merge is a key\n? explicit\n: value\n",
    "documents": "---\na: 1\n---\n---\n- [1, 2, {x: y}]\n- - nested\n  - - deeper\n...\n",
    "rules": "groups:\n  - name: g\n    rules:\n      - alert: Down\n        expr: up == 0\n        for: 0m\n"
             "        labels: {severity: critical}\n        annotations:\n          summary: '{{ $labels.job }} down'\n",
    "flow": "{a: [1, 2.0, {b: c}], d: {}, e: []}\n",
    "empty": "",
    "comment only": "# nothing\n",
    # a plain "=" (YAML 1.1's value key, which SafeLoader cannot construct): the string, as in YAML 1.2 and
    # kubectl; the Prometheus operator's CRDs list it in an enum
    "equals": "a: =\nmatchType:\n  enum:\n  - =\n  - '!='\n  - =~\nflow: [=, x]\n",
}
NOT_PLAIN = {  # the node road takes these; the fast road must say so (None), not guess
    "anchor and alias": "base: &b {x: 1}\nuse: *b\n",
    "merge key": "base: &b {x: 1}\nuse:\n  <<: *b\n  y: 2\n",
    "explicit tag": "a: !!str 3\n",
    "local tag": "a: !custom 3\n",
    "non-specific tag": "a: ! 3\n",
    "collection as key": "? [a, b]\n: c\n",
    "duplicate key": "a: 1\nb: 2\na: 3\n",
    "not YAML": "a: [1, 2\nb: 3\n",
    "too deep": "[" * 250 + "]" * 250 + "\n",
}


def _node_road(text: str, text_timestamps: bool, monkeypatch):
    with monkeypatch.context() as patched:
        patched.setattr(yamlevents, "load_plain", lambda *args: None)
        return yamldocs.load_documents(text, text_timestamps)


def _same(fast, node, where: str = "$") -> None:
    assert type(fast) is type(node), where
    if isinstance(fast, PosDict):
        assert list(fast) == list(node), where
        assert [type(key) for key in fast] == [type(key) for key in node], where
        assert (fast.line, fast.key_lines, fast.value_lines, fast.block_scalars) == \
               (node.line, node.key_lines, node.value_lines, node.block_scalars), where
        for key in fast:
            _same(fast[key], node[key], f"{where}.{key}")
    elif isinstance(fast, PosList):
        assert (fast.line, fast.item_lines, len(fast)) == (node.line, node.item_lines, len(node)), where
        for index, (item, other) in enumerate(zip(fast, node)):
            _same(item, other, f"{where}[{index}]")
    elif isinstance(fast, float) and math.isnan(fast):
        assert math.isnan(node), where
    else:
        assert fast == node, where
        if isinstance(fast, SourceFloat):
            assert fast.text == node.text, where


@pytest.mark.parametrize("text_timestamps", [False, True])
@pytest.mark.parametrize("name", list(PLAIN))
def test_the_fast_road_takes_plain_yaml_and_gives_what_the_node_road_gives(name, text_timestamps, monkeypatch):
    text = PLAIN[name]
    fast = yamlevents.load_plain(text, len(text) + 10_000, text_timestamps)
    assert fast is not None, "plain YAML must not need the node road"
    node = _node_road(text, text_timestamps, monkeypatch)
    assert len(fast) == len(node)
    for fast_document, node_document in zip(fast, node):
        _same(fast_document, node_document)
    assert yamldocs.load_documents(text, text_timestamps) == node


def test_a_plain_equals_sign_is_the_string_on_both_roads_and_in_fastyaml():
    from infractl.load.fastyaml import load_documents as rendered

    text = PLAIN["equals"]
    expected = [{"a": "=", "matchType": {"enum": ["=", "!=", "=~"]}, "flow": ["=", "x"]}]
    assert yamldocs.load_documents(text) == yamldocs.load_documents(text, text_timestamps=True) == expected
    assert yamldocs.load_documents("a: &x =\nb: *x\n") == [{"a": "=", "b": "="}]  # the node road (an alias)
    assert rendered(text) == expected


def test_the_scalars_keep_their_types_and_spelling():
    document = yamldocs.load_documents(PLAIN["scalars"])[0]
    assert (document["a"], document["b"], document["c"], document["e"]) == (True, "yes", "0o17", 31)
    assert isinstance(document["f"], SourceFloat) and document["f"].text == "3.10"
    assert document["j"] == datetime.date(2026, 12, 6)
    assert yamldocs.load_documents(PLAIN["scalars"], text_timestamps=True)[0]["j"] == "2026-12-06"
    assert document.block_scalars == {"p"} and document.value_lines["p"] == 16


@pytest.mark.parametrize("name", list(NOT_PLAIN))
def test_what_is_not_plain_goes_to_the_node_road_with_its_answer_or_error(name, monkeypatch):
    text = NOT_PLAIN[name]
    assert yamlevents.load_plain(text, len(text) + 10_000, False) is None
    try:
        expected = _node_road(text, False, monkeypatch)
    except LoadError as exc:
        with pytest.raises(LoadError) as raised:
            yamldocs.load_documents(text)
        assert (type(raised.value), str(raised.value), raised.value.line, raised.value.column) == \
               (type(exc), str(exc), exc.line, exc.column)
        return
    for fast_document, node_document in zip(yamldocs.load_documents(text), expected, strict=True):
        _same(fast_document, node_document)


def test_the_node_budget_still_bounds_the_fast_road():
    text = "[" + ", ".join(["{}"] * 50) + "]\n"
    assert yamlevents.load_plain(text, 10, False) is None  # 51 nodes > 10: the node road says why
