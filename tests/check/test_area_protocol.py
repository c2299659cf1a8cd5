"""The checker protocol (infractl/check/protocol.py): every registered area is an ``Area`` whose ``collect`` gives a
Report or None, and gives the findings its capability's own command gives for the same input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from infractl import cli
from infractl.check.areas import AREAS, REGISTRY, declared
from infractl.check.protocol import Area
from infractl.config import load_config
from infractl.discover.scanner import Scanner
from infractl.render import Report

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "webhook-receiver"


def _collect(name: str, root: Path):
    with Scanner() as scanner:
        return AREAS[name](root, load_config(root), scanner)


@pytest.mark.parametrize("name", list(REGISTRY))
def test_every_registered_area_declares_the_protocol(name):
    area = declared(name)
    assert isinstance(area, Area) and area.name == name
    assert isinstance(area.table, str) and area.table
    keys = area.known_keys()
    assert keys and all(isinstance(key, str) for key in keys)
    assert {"select", "ignore"} <= set(keys)  # check applies the table's own select/ignore


@pytest.mark.parametrize("name", list(REGISTRY))
def test_an_empty_repository_has_nothing_for_any_area(tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    assert _collect(name, tmp_path) is None


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    copy = tmp_path_factory.mktemp("example") / "webhook-receiver"
    shutil.copytree(EXAMPLE, copy)
    return copy


@pytest.mark.parametrize("name", list(REGISTRY))
def test_every_area_gives_a_report_on_the_example(example, monkeypatch, name):
    monkeypatch.chdir(example)
    report = _collect(name, example)
    if name in ("monitoring", "envfiles"):  # the example has no alert rules or dashboards, no env file
        assert report is None
        return
    assert isinstance(report, Report), report
    assert report.headline and report.findings  # the example's deliberate defects, in every other area


# Each area beside its capability's own command over the same input, as check runs it from the root.
COMMANDS = {
    "datetime": ["fix-datetime", "--check", "--json", "."],
    "workflows": ["lint-ci", "--json", "."],
    "migrations": ["verify-db", "--migrations", "migrations/versions", "--json"],
    "manifests": ["manifests", "lint", "--json", "."],
    "wiremock": ["wiremock", "validate", "wiremock", "--json"],
}


def _found(findings) -> list[tuple]:
    return sorted((f["rule"], f["path"], f["line"], f["message"]) for f in findings)


@pytest.mark.parametrize("name", list(COMMANDS))
def test_an_area_and_its_command_give_the_same_findings(example, monkeypatch, name):
    monkeypatch.chdir(example)
    result = CliRunner().invoke(cli.app, COMMANDS[name])
    assert result.exit_code in (0, 1), result.output
    by_command = _found(json.loads(result.stdout)["findings"])
    by_area = _found(finding.to_dict() for finding in _collect(name, Path(".")).findings)
    assert by_command and by_area == by_command
