"""WM015 (a template without the response-template transformer) knows when WireMock runs with global
response templating: switched on in [tool.infractl.wiremock], or by ``--global-response-templating`` in a
Dockerfile or a Compose service's command next to the mappings (issue 18: 14 of 14 WM015 hits on real
repositories were such). On main the Dockerfile and Compose cases were WM015 warnings."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from infractl import cli
from infractl.wiremock.mappings.validate import collect

runner = CliRunner()
STUB = {"request": {"method": "GET", "urlPath": "/echo"},
        "response": {"status": 200, "body": "{{request.path}}"}}
COMPOSE = """services:
  api:
    build: .
  wiremock:
    image: wiremock/wiremock:3.13.2
    volumes:
      - ./wiremock:/home/wiremock
    command:
      - --verbose
      - --global-response-templating
"""


def _repo(tmp_path: Path) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\n")
    (tmp_path / "wiremock" / "mappings").mkdir(parents=True)
    (tmp_path / "wiremock" / "mappings" / "echo.json").write_text(json.dumps(STUB))
    return tmp_path


def _wm015(report) -> list:
    return [f for f in report.findings if f.rule == "WM015"]


def test_a_compose_wiremock_command_with_global_templating_silences_wm015(tmp_path):
    repo = _repo(tmp_path)
    (repo / "docker-compose.yml").write_text(COMPOSE)
    report = collect(repo / "wiremock", None)
    assert _wm015(report) == []
    assert report.extra["global_templating"].endswith("docker-compose.yml:10")
    # `wiremock up` starts its own WireMock without the flag: there the template is served literally
    assert len(_wm015(collect(repo / "wiremock", False))) == 1


def test_a_dockerfile_cmd_beside_the_mappings_silences_wm015(tmp_path):
    repo = _repo(tmp_path)
    (repo / "wiremock" / "Dockerfile").write_text(
        "FROM wiremock/wiremock:3.13.2\nCOPY mappings /home/wiremock/mappings\n"
        'CMD ["--global-response-templating", "--disable-gzip"]\n')
    assert _wm015(collect(repo / "wiremock", None)) == []


def test_a_commented_out_flag_or_none_at_all_keeps_wm015(tmp_path):
    repo = _repo(tmp_path)
    (repo / "docker-compose.yml").write_text(COMPOSE.replace("      - --global", "      # - --global"))
    assert len(_wm015(collect(repo / "wiremock", None))) == 1


def test_the_search_stops_at_the_project_top(tmp_path):
    """A compose file above the project (another project's) says nothing about this one's WireMock."""
    (tmp_path / "docker-compose.yml").write_text(COMPOSE)
    repo = _repo(tmp_path / "project")
    assert len(_wm015(collect(repo / "wiremock", None))) == 1


def test_check_and_validate_see_compose_and_the_config_table(tmp_path, monkeypatch):
    repo = _repo(tmp_path)
    monkeypatch.chdir(repo)
    result = runner.invoke(cli.app, ["check", "--json", "."])
    assert "WM015" in {f["rule"] for f in json.loads(result.stdout)["findings"]}  # the control
    (repo / "compose.yaml").write_text(COMPOSE)
    for argv in (["check", "--json", "."], ["wiremock", "validate", "--json", "wiremock"]):
        result = runner.invoke(cli.app, argv)
        assert "WM015" not in {f["rule"] for f in json.loads(result.stdout)["findings"]}, argv
    (repo / "compose.yaml").unlink()
    (repo / "pyproject.toml").write_text("[project]\nname = 'demo'\n\n[tool.infractl.wiremock]\n"
                                         "global_response_templating = true\n")
    result = runner.invoke(cli.app, ["check", "--json", "."])
    assert "WM015" not in {f["rule"] for f in json.loads(result.stdout)["findings"]}
