"""``wiremock validate --fix`` against the real WireMock 3.13.2, on the tree the original session fixed by
hand: five mappings with readable, non-UUID ids, mode 600, and a body file named in the wrong case. Before
the fix the real server (as a user who does not own the files, as in a container) refuses to start; after
it, it starts and serves every stub, and a second --fix changes nothing."""

from __future__ import annotations

import os

import pytest
from support.wiremock_real import remove_tree, start_once, world_readable_tmpdir, write_tree

from infractl.cli.app import run
from infractl.wiremock.mappings.fixers import derived_id
from infractl.wiremock.mappings.validate import collect

pytestmark = pytest.mark.slow

NAMES = ("alertmanager-healthy", "alertmanager-ready", "alerts-list", "silences-list", "receivers-list")


def _mapping(name: str, index: int) -> str:
    body = '"bodyFileName": "Alerts.json"' if name == "alerts-list" else '"body": "OK"'
    return (f'{{\n  "id": "{name}",\n  "request": {{ "method": "GET", "urlPath": "/api/{index}" }},\n'
            f'  "response": {{ "status": 200, {body} }}\n}}\n')


@pytest.fixture
def root():
    path = world_readable_tmpdir()
    tree = {f"mappings/{name}.json": _mapping(name, i) for i, name in enumerate(NAMES)}
    tree["__files/alerts.json"] = "[]\n"
    yield write_tree(path / "wm", tree, {f"mappings/{name}.json": 0o600 for name in NAMES})
    remove_tree(path)


def test_fixed_tree_starts_the_real_wiremock_with_every_stub(root, jar, capsys):
    assert start_once(jar, root, as_nobody=True).exit_code not in (None, 0)  # refuses to start as it is
    assert {f.rule for f in collect(root).findings} == {"WM007", "WM010", "WM012"}

    assert run(["wiremock", "validate", str(root), "--fix", "--json"]) == 0
    assert collect(root).findings == []
    for index, name in enumerate(NAMES):
        path = root / "mappings" / f"{name}.json"
        assert oct(os.stat(path).st_mode & 0o777) == oct(0o644)
        expected = _mapping(name, index).replace(f'"id": "{name}"', f'"id": "{derived_id(name)}", "name": "{name}"')
        assert path.read_text() == expected.replace("Alerts.json", "alerts.json")  # only those lines changed
    outcome = start_once(jar, root, as_nobody=True)
    assert outcome.exit_code is None, outcome.log
    assert outcome.served == len(NAMES) == collect(root).summary["stubs"]

    stamps = {p.name: p.stat().st_mtime_ns for p in (root / "mappings").iterdir()}
    capsys.readouterr()
    assert run(["wiremock", "validate", str(root), "--fix", "--diff"]) == 0  # nothing left to change
    assert "diff --git" not in capsys.readouterr().out
    assert {p.name: p.stat().st_mtime_ns for p in (root / "mappings").iterdir()} == stamps
