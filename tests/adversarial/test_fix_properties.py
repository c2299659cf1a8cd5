"""Property: a fix is byte-identical outside the lines its edits cover, and a second fix changes nothing.

- ``fixes.apply_edits`` (every fixer's edits go through it) on generated YAML and JSON (any line endings)
  and on real files (this repository's JSON and YAML, and the real projects' the tests cache): every line
  no edit touches is in the result, whole and unchanged, where the edits before it moved it;
- the real fixers through the engine ``--fix`` runs: WM007 on generated WireMock mappings (any layout,
  any id text) and on this repository's own mappings given a readable id, MON020 on generated dashboards:
  only the edited line differs, the JSON means the same but for the fixed value, and a second run is empty.
"""

from __future__ import annotations

import json
import os
import tempfile
from functools import cache
from pathlib import Path

import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from support.cache import cache_dir
from support.wiremock_real import REPO

from infractl.fixes import Edit, apply_edits
from infractl.fixing.engine import run_fixes
from infractl.fixing.outcome import write
from infractl.monitoring.lint import collect as monitoring_collect
from infractl.wiremock.mappings.fixers import derived_id
from infractl.wiremock.mappings.validate import collect as wiremock_collect

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=12))
documents = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(min_size=1, max_size=8), inner, max_size=4)), max_leaves=12)
ENDS = st.sampled_from(["\n", "\r\n"])


@st.composite
def generated_texts(draw) -> str:
    document, end = draw(documents), draw(ENDS)
    if draw(st.booleans()):
        text = json.dumps(document, indent=draw(st.sampled_from([None, 1, 2, 4])), ensure_ascii=draw(st.booleans()))
    else:
        text = "# a comment that must survive\n" + yaml.safe_dump(document, default_flow_style=draw(st.booleans()),
                                                                   allow_unicode=True)
    return text.replace("\n", end) + end


@cache
def real_texts() -> tuple[str, ...]:
    """This repository's JSON and YAML files, and (when the tests cached them) the real projects'."""
    places = [REPO / "tests" / "fixtures", REPO / "wiremock", REPO / "manifests", REPO / "examples",
              REPO / ".github", cache_dir("real-projects") / "trees"]
    texts = []
    for place in places:
        for path in sorted(place.rglob("*")) if place.is_dir() else []:
            if path.suffix in (".json", ".yml", ".yaml") and path.is_file() and path.stat().st_size < 200_000:
                try:
                    texts.append(path.read_bytes().decode("utf-8"))
                except UnicodeDecodeError:
                    continue
    return tuple(texts[:: max(1, len(texts) // 400)])  # an even sample, at most ~400 files


@st.composite
def edits_for(draw, text: str) -> list[Edit]:
    """Non-overlapping edits (distinct cut points), replacements and insertions, new text with line breaks."""
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=6, unique=True)))
    edits = []
    for start, end in zip(cuts[::2], cuts[1::2]):
        end = start if draw(st.booleans()) and start < end - 1 else end  # sometimes an insertion
        edits.append(Edit(start, end, draw(st.text(alphabet="ab: -\"\n", max_size=6))))
    return edits


def assert_only_edited_lines_change(text: str, edits: list[Edit], result: str) -> None:
    """Every line no edit touches (an edit touches the lines from its start to its end, inclusive: a
    removed line break joins the next line to it) is in ``result``, whole, at its shifted place."""
    start_of_line = 0
    for line in text.splitlines(keepends=True):
        end_of_line = start_of_line + len(line)
        touched = any(e.start <= end_of_line - 1 and e.end >= start_of_line for e in edits) or any(
            e.start == e.end == end_of_line for e in edits if not line.endswith("\n"))
        if not touched:
            shift = sum(len(e.new) - (e.end - e.start) for e in edits if e.end < start_of_line)
            assert result[start_of_line + shift:end_of_line + shift] == line
        start_of_line = end_of_line


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_edits_change_only_the_lines_they_cover_in_generated_yaml_and_json(data):
    text = data.draw(generated_texts())
    edits = data.draw(edits_for(text))
    assert_only_edited_lines_change(text, edits, apply_edits(text, edits))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_edits_change_only_the_lines_they_cover_in_real_files(data):
    texts = real_texts()
    assert len(texts) >= 20  # the repository alone holds more: a broken glob must not pass vacuously
    text = data.draw(st.sampled_from(texts))
    edits = data.draw(edits_for(text))
    assert_only_edited_lines_change(text, edits, apply_edits(text, edits))


def _fix_in(root: Path, collect) -> list:
    """--fix as the commands run it (the engine in a private copy, then the safe writer); the fixed list."""
    result = run_fixes(collect(root), root, collect)
    assert write(result.files, root) == []
    return result.fixed


def _only_line_changed(before: str, after: str, old: str, new: str) -> None:
    changed = [(a, b) for a, b in zip(before.splitlines(keepends=True), after.splitlines(keepends=True)) if a != b]
    assert len(before.splitlines()) == len(after.splitlines()) and len(changed) == 1
    assert changed[0][0].replace(old, new, 1) == changed[0][1]


stub_ids = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=20)


@settings(max_examples=40, deadline=None)
@given(stub_ids, st.sampled_from([None, 2, 4]), ENDS, st.booleans())
def test_wm007_fix_edits_only_the_id_line_of_generated_mappings(stub_id, indent, end, id_last):
    assume(stub_id.strip() and not stub_id.startswith("{") and len(stub_id) != 36)
    stub = {"request": {"method": "GET", "urlPath": "/x"}, "response": {"status": 200, "body": "OK"}}
    stub = {**stub, "id": stub_id} if id_last else {"id": stub_id, **stub}
    text = json.dumps(stub, indent=indent).replace("\n", end) + end
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "mappings").mkdir()
        (root / "mappings" / "a.json").write_bytes(text.encode())
        collect = lambda wm: [f for f in wiremock_collect(wm).findings if f.rule == "WM007"]
        assert [f.rule for f, _ in _fix_in(root, collect)] == ["WM007"]
        after = (root / "mappings" / "a.json").read_bytes().decode()
        assert json.loads(after) == {**stub, "id": derived_id(stub_id), "name": stub_id}  # the text kept as name
        if indent is not None:  # one key per line: exactly that line changed
            _only_line_changed(text, after, json.dumps(stub_id), f'{json.dumps(derived_id(stub_id))}, "name": '
                               f"{json.dumps(stub_id)}")  # the id's own spelling (an escaped NEL stays escaped)
        assert _fix_in(root, collect) == [] and (root / "mappings" / "a.json").read_bytes().decode() == after


def test_wm007_fix_on_this_repositorys_mappings_edits_only_the_id_line(tmp_path):
    mappings = sorted(p for p in (REPO / "wiremock" / "mappings").rglob("*.json") if '"id"' in p.read_text())
    assert mappings
    for real in mappings:
        original = real.read_text()
        document = json.loads(original)
        if not isinstance(document.get("id"), str):
            continue
        readable = real.stem
        broken = original.replace(json.dumps(document["id"]), json.dumps(readable), 1)
        root = tmp_path / real.stem
        (root / "mappings").mkdir(parents=True)
        (root / "mappings" / real.name).write_text(broken)
        assert [f.rule for f, _ in _fix_in(root, lambda wm: wiremock_collect(wm).findings)] == ["WM007"]
        after = (root / "mappings" / real.name).read_text()
        name = "" if "name" in document else f', "name": {json.dumps(readable)}'
        _only_line_changed(broken, after, json.dumps(readable), json.dumps(derived_id(readable)) + name)
        assert _fix_in(root, lambda wm: wiremock_collect(wm).findings) == []


@settings(max_examples=25, deadline=None)
@given(st.text(alphabet="ABCDEF0123456789-", min_size=1, max_size=16), st.sampled_from([2, 4]), ENDS,
       st.lists(st.sampled_from(["datasource", "targets"]), min_size=1, max_size=2, unique=True))
def test_mon020_fix_edits_only_the_uid_line_of_generated_dashboards(uid, indent, end, where):
    panel = {"id": 1, "title": "p", "type": "timeseries"}
    if "datasource" in where:
        panel["datasource"] = {"type": "prometheus", "uid": uid}
    if "targets" in where:
        panel["targets"] = [{"expr": "up", "datasource": {"type": "prometheus", "uid": uid}}]
    variables = {"list": [{"name": "ds", "type": "datasource", "query": "prometheus"}]}
    text = json.dumps({"title": "d", "templating": variables, "panels": [panel]}, indent=indent).replace("\n", end) + end
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "d.json").write_bytes(text.encode())
        collect = lambda r: [f for f in monitoring_collect(r, {}).findings if f.rule == "MON020"]
        assert len(_fix_in(root, collect)) == len(where)
        after = (root / "d.json").read_bytes().decode()
        assert after == text.replace(f'"uid": {json.dumps(uid)}', '"uid": "${ds}"')
        assert sum(a != b for a, b in zip(text.splitlines(), after.splitlines())) == len(where)
        assert _fix_in(root, collect) == [] and os.path.getsize(root / "d.json") == len(after.encode())
