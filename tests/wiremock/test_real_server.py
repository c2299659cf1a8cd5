"""The validator against the real WireMock 3.13.2: what it calls a start-up error really stops WireMock,
and a clean directory really loads every stub it counted."""

from __future__ import annotations

import zipfile

import pytest
from support.wiremock_real import REPO, remove_tree, start_once, world_readable_tmpdir, write_tree

from infractl.wiremock.mappings.rules import EXAMPLES
from infractl.wiremock.mappings.schema import SCHEMA_PATH
from infractl.wiremock.mappings.validate import collect

pytestmark = pytest.mark.slow

REFUSING = sorted(rule for rule, example in EXAMPLES.items() if example.refuses_start)
# Permissions only bind a user who does not own the files (root reads everything).
AS_NOBODY = {"WM012", "WM013"}


@pytest.fixture
def root():
    path = world_readable_tmpdir()
    yield path / "wm"
    remove_tree(path)


def test_bundled_schema_is_the_jars(jar):
    with zipfile.ZipFile(jar) as archive:
        assert archive.read("schemas/wiremock-stub-mapping.json") == SCHEMA_PATH.read_bytes()


@pytest.mark.parametrize("rule_id", REFUSING)
def test_start_up_errors_really_stop_wiremock(rule_id, root, jar):
    example = EXAMPLES[rule_id]
    write_tree(root, example.bad, example.bad_modes)
    outcome = start_once(jar, root, as_nobody=rule_id in AS_NOBODY)
    assert outcome.exit_code == 1, f"{rule_id}: WireMock started on the bad example:\n{outcome.log}"
    write_tree(root := root.parent / "good", example.good)
    good = start_once(jar, root, as_nobody=rule_id in AS_NOBODY)
    assert good.exit_code is None and good.served == collect(root).summary["stubs"], good.log


@pytest.mark.parametrize("rule_id", sorted(set(EXAMPLES) - set(REFUSING)))
def test_other_rules_load_but_are_real_defects(rule_id, root, jar):
    """The rules not marked refuses_start describe trees WireMock loads without complaint (the harm shows
    later, when a stub is hit or never matches): prove it loads, so the rule text stays honest."""
    example = EXAMPLES[rule_id]
    write_tree(root, example.bad, example.bad_modes)
    outcome = start_once(jar, root, as_nobody=rule_id in AS_NOBODY)
    assert outcome.exit_code is None, f"{rule_id}: WireMock refused its bad example:\n{outcome.log}"
    if rule_id in ("WM013", "WM014"):  # the ignored file / the unsearchable directory's stub is not loaded
        assert outcome.served == 0
    else:
        assert outcome.served == collect(root).summary["stubs"]


def test_bundled_wiremock_dir_loads_every_stub(jar):
    result = collect(REPO / "wiremock")
    assert result.findings == [] and result.summary["stubs"] == 6
    outcome = start_once(jar, REPO / "wiremock")
    assert outcome.exit_code is None and outcome.served == result.summary["stubs"], outcome.log


def test_unreadable_body_file_is_only_visible_as_non_root(root, jar):
    tree = {"mappings/alerts.json": EXAMPLES["WM010"].good["mappings/alerts.json"], "__files/alerts.json": "[]"}
    write_tree(root, tree, {"__files/alerts.json": 0o600})
    assert [f.rule for f in collect(root).findings] == ["WM012"]
    assert start_once(jar, root, as_nobody=True).exit_code is None  # starts; the body fails when hit


