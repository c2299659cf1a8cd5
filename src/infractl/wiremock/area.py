"""``check``'s wiremock area: ``wiremock validate`` over every mappings root (areas.py says what an area
is). No server is started."""

from __future__ import annotations

from pathlib import Path

from infractl.check.protocol import Area, shown


def collect(root: Path, config, scanner):
    """Every WireMock root (a directory holding mappings/): ``dir`` in [tool.infractl.wiremock], else each
    one found below ``root``; each validated like ``infractl wiremock validate``, and isolated
    (check/isolation.py). None when there is none."""
    section = config.section("wiremock")
    chosen = None
    if section:  # validated whenever it is there; without it the defaults need no import
        from infractl.wiremock.settings import settings

        chosen = settings(config)
    if chosen is not None and section.get("dir"):
        roots = [chosen.dir]
    else:
        found = set()
        for path in map(Path, scanner.files([root], (".json",), (), root)):
            mappings = next((parent for parent in path.parents if parent.name == "mappings"), None)
            if mappings is not None:
                found.add(mappings.parent)
        roots = sorted(found)
    if not roots:
        return None
    from functools import partial

    from infractl.check.isolation import isolated
    from infractl.render import Report
    from infractl.wiremock.mappings.validate import COMMAND
    from infractl.wiremock.mappings.validate import collect as validate

    # not switched on in the table: a Dockerfile or Compose file beside the mappings may (None)
    templating = (chosen.global_response_templating if chosen is not None else False) or None
    stubs: list[int] = []

    def validated(directory: Path) -> list:
        report = validate(directory, templating)  # check applies the table's select/ignore to every area
        stubs.append(report.summary["stubs"])
        return report.findings

    findings: list = []
    for directory in map(shown, roots):  # one mappings directory that fails is a finding on it
        findings += isolated("wiremock", directory, partial(validated, directory))
    label = "directory" if len(roots) == 1 else "directories"
    return Report(COMMAND, findings, {"stubs": sum(stubs), "directories": len(roots)},
                  headline=f"{sum(stubs)} WireMock stubs in {len(roots)} mappings {label}")


AREA = Area("wiremock", "wiremock", "infractl.wiremock.settings:KEYS", collect,
            looked_for="mappings/ directories of WireMock stubs (*.json; [tool.infractl.wiremock] dir)")
