"""The registry of the areas ``infractl check`` covers: name -> where the area is declared.

Each area is an ``infractl.check.protocol.Area`` declared beside its capability's code (``<capability>/area.py``);
``infractl/check/protocol.py`` says what one is. The modules are imported only when ``check`` runs, so importing
this registry costs nothing, and an area's heavy libraries load only when its ``collect`` needs them.
The order here is the order of the report.
"""

from __future__ import annotations

from infractl.check.protocol import Area, resolve

REGISTRY: dict[str, str] = {
    "datetime": "infractl.fix_datetime.area:AREA",
    "workflows": "infractl.lint_ci.area:AREA",
    "migrations": "infractl.verify_db.area:AREA",
    "monitoring": "infractl.monitoring.area:AREA",
    "manifests": "infractl.manifests.area:AREA",
    "envfiles": "infractl.manifests.area:ENV_AREA",
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

