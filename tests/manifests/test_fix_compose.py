"""Compose: COMPOSE010 (a port on every interface in a dev or staging file) and the loopback fixer of
COMPOSE004/COMPOSE010, called directly: the rules' (before, after) cases, what is refused, and the real
``docker compose config`` accepting every fixed file with the addresses bound to 127.0.0.1."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from support.cache import CACHE_ROOT
from support.fixers import fix_until_stable, fixer_of, one_pass

from infractl.manifests.checks.rules import RULE, RULES
from infractl.manifests.lint import lint_compose

FIXABLE = [rule for rule in RULES if rule.fixer and rule.id.startswith("COMPOSE")]
CASES = [(rule, index, before, after) for rule in FIXABLE for index, (before, after) in enumerate(rule.fix_cases)]
IDS = [f"{r.id}-{i}" for r, i, _, _ in CASES]
WEB = "services:\n  web:\n    image: web:1.0\n    healthcheck: {test: [\"CMD\", \"true\"]}\n    ports:\n"


def finder(directory: Path, name: str = "docker-compose.staging.yml"):
    def find(text: str) -> list:
        (directory / name).write_text(text, encoding="utf-8", newline="")
        return lint_compose(directory / name)

    return find


def compose_config(path: Path) -> dict:
    binary = shutil.which("docker-compose") or str(CACHE_ROOT / "bin" / "docker-compose")
    if not Path(binary).is_file():
        pytest.skip("no docker-compose v2 binary (the deploy tests install one)")
    env = {"PATH": "/usr/bin:/bin", "RECEIVER_IMAGE": "sha256:" + "0" * 64, "POSTGRES_PASSWORD": "pw"}
    done = subprocess.run([binary, "-f", str(path), "config", "--format", "json"], capture_output=True, text=True,
                          check=False, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_fixable_rules_declare_their_safety():
    assert {rule.id: rule.fix_safety for rule in FIXABLE} == {"COMPOSE004": "unsafe", "COMPOSE010": "unsafe"}


@pytest.mark.parametrize(("rule", "index", "before", "after"), CASES, ids=IDS)
def test_fix_case_and_docker_compose_accepts_it(rule, index, before, after, tmp_path):
    find = finder(tmp_path)
    assert rule.id in {f.rule for f in find(before)}
    fixed, passes = fix_until_stable(rule, before, find)
    assert (fixed, passes) == (after, 1)
    assert rule.id not in {f.rule for f in find(fixed)}
    assert one_pass(rule, fixed, find(fixed))[1] == []
    config = compose_config(tmp_path / "docker-compose.staging.yml")
    published = [port for service in config["services"].values() for port in service.get("ports", [])]
    assert published and all(port["host_ip"] == "127.0.0.1" for port in published)


@pytest.mark.parametrize(("name", "flagged"), [
    ("docker-compose.staging.yml", True), ("compose.dev.yaml", True), ("docker-compose.override.yml", True),
    ("docker-compose.ci.yml", True), ("docker-compose.yml", False), ("compose.prod.yaml", False),
])
def test_compose010_only_in_dev_and_staging_files(name, flagged, tmp_path):
    found = finder(tmp_path, name)(WEB + "      - 8080:8080\n")
    assert ("COMPOSE010" in {f.rule for f in found}) is flagged


@pytest.mark.parametrize("port", ["127.0.0.1:8080:8080", "192.168.1.20:8080:8080", "\"[::1]:8080:8080\"",
                                  "{target: 80, host_ip: 127.0.0.1, published: 8080}", "{target: 80}"])
def test_a_port_bound_to_one_address_or_not_published_is_not_compose010(port, tmp_path):
    assert "COMPOSE010" not in {f.rule for f in finder(tmp_path)(WEB + f"      - {port}\n")}


@pytest.mark.parametrize("port", ["\"[::]:8080:8080\"", "{target: 80, published: 8080}",
                                  "\"8080:\\x38080\""])
def test_what_needs_a_human_is_refused(port, tmp_path):
    """Another address, the long syntax, a quoted string with escapes."""
    text = WEB + f"      - {port}\n"
    findings = [f for f in finder(tmp_path)(text) if f.rule == "COMPOSE010"]
    assert findings
    assert fixer_of(RULE["COMPOSE010"])(text, findings[0]) is None


def test_a_database_on_the_host_network_is_left_to_a_human(tmp_path):
    text = "services:\n  db:\n    image: postgres:15.8\n    network_mode: host\n"
    findings = [f for f in finder(tmp_path)(text) if f.rule == "COMPOSE004"]
    assert findings and fixer_of(RULE["COMPOSE004"])(text, findings[0]) is None


def test_two_ports_in_one_flow_list_each_fixed(tmp_path):
    text = WEB + "      - 22\n    expose: [80]\n  api:\n    image: api:1.0\n    healthcheck: {test: [\"CMD\", \"true\"]}\n" \
                 "    ports: [\"8080:8080\", '9090:9090']\n"
    fixed, _ = fix_until_stable(RULE["COMPOSE010"], text, finder(tmp_path))
    assert fixed == text.replace("- 22", "- 127.0.0.1::22").replace(
        "[\"8080:8080\", '9090:9090']", "[\"127.0.0.1:8080:8080\", '127.0.0.1:9090:9090']")
    assert [p["host_ip"] for s in compose_config(tmp_path / "docker-compose.staging.yml")["services"].values()
            for p in s["ports"]] == ["127.0.0.1"] * 3
