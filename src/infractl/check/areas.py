"""The registry of the areas ``infractl check`` covers: name -> where the area is declared.

Each area is an ``infractl.areas.Area`` declared beside its capability's code (``<capability>/area.py``);
``infractl/areas.py`` says what one is. The modules are imported only when ``check`` runs, so importing
this registry costs nothing, and an area's heavy libraries load only when its ``collect`` needs them.
The order here is the order of the report.
"""

from __future__ import annotations

from infractl.areas import Area, resolve

REGISTRY: dict[str, str] = {
    "datetime": "infractl.fix_datetime.area:AREA",
    "workflows": "infractl.lint_ci.area:AREA",
    "migrations": "infractl.verify_db.area:AREA",
    "monitoring": "infractl.monitoring.area:AREA",
    "manifests": "infractl.manifests.area:AREA",
    "wiremock": "infractl.wiremock.area:AREA",
}


def declared(name: str) -> Area:
    """The area registered as ``name``, its module imported now."""
    return resolve(REGISTRY[name])


class _Collect:
    """``declared(name).collect``, imported at the first call: what ``AREAS`` holds for each name."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, root, config, scanner):
        return declared(self.name).collect(root, config, scanner)


# What check runs for each area: (root, config, scanner) -> Report | None. A test may put its own
# function in place of one.
AREAS = {name: _Collect(name) for name in REGISTRY}


class AreaResult:
    """The shape an area returned before the protocol: its findings and ``checked`` (now the Report's
    headline). Only the names below give it, for callers written against it."""

    def __init__(self, findings: list, checked: str) -> None:
        self.findings = findings
        self.checked = checked


def __getattr__(attribute: str):
    """``areas.manifests(root, config, scanner)`` and the like (an ``AreaResult`` or None), and
    ``AREA_TABLES`` (area -> (table, keys)): the registry as it was, for callers that knew it so."""
    if attribute in REGISTRY:
        def collect(root, config, scanner):
            report = AREAS[attribute](root, config, scanner)
            return None if report is None else AreaResult(report.findings, report.headline)

        return collect
    if attribute == "AREA_TABLES":
        return {name: (declared(name).table, declared(name).keys) for name in REGISTRY}
    raise AttributeError(f"module {__name__!r} has no attribute {attribute!r}")
