"""The compose rules' automatic fix (``Rule.fixer`` names it; imported only when fixing).

``bind_to_loopback(text, finding) -> fixes.Change | None`` for COMPOSE004 and COMPOSE010: the ``ports:``
entry on the finding's line gets the host address 127.0.0.1 (``"8080:8080"`` -> ``"127.0.0.1:8080:8080"``,
``5432`` -> ``127.0.0.1::5432``, ``0.0.0.0:`` -> ``127.0.0.1:``). Only the short syntax written as plain
text or a quoted string without escapes; another address (a LAN IP, ``[::]``) or the long syntax is left
to a human. A database on the host network (COMPOSE004 on ``network_mode``) is too: its own flags say
where it listens.
"""

from __future__ import annotations

from infractl.fixes import Change, Edit
from infractl.load import yamlnodes as nodes
from infractl.manifests.checks.compose import interpolate

LOOPBACK = "127.0.0.1"
_EVERY_INTERFACE = "0.0.0.0:"


def bind_to_loopback(text: str, finding) -> Change | None:
    """COMPOSE004/COMPOSE010 (unsafe: whoever reached the port from another machine no longer can)."""
    port = _port_on_line(nodes.compose_documents(text), finding)
    if port is None or not nodes.is_scalar(port) or port.style not in (None, "'", '"'):
        return None
    start, end = port.start_mark.index, port.end_mark.index
    if port.style:
        start, end = start + 1, end - 1
        if text[start:end] != port.value:
            return None  # escapes or a line break inside the quotes
    value = port.value
    if value.startswith(_EVERY_INTERFACE):
        return Change((Edit(start, start + len(_EVERY_INTERFACE), f"{LOOPBACK}:"),), note=f"bound to {LOOPBACK}")
    parts = interpolate(value).split("/")[0].split(":")
    if value.startswith("[") or len(parts) > 2:
        return None  # an address is already given
    prefix = f"{LOOPBACK}::" if len(parts) == 1 else f"{LOOPBACK}:"  # "5432" alone: a random host port
    return Change((Edit(start, start, prefix),), note=f"bound to {LOOPBACK}")


def _port_on_line(documents: list, finding):
    """The ``ports:`` item the finding is about: the one on its line (several in a flow list: the one whose
    container port the message names), or None."""
    if not finding.line or not documents:
        return None
    services = nodes.value(documents[0], "services")
    found = [item for _, service in (services.value if nodes.is_mapping(services) else ())
             for item in _items(nodes.value(service, "ports")) if item.start_mark.line + 1 == finding.line]
    if len(found) > 1:
        found = [item for item in found if nodes.is_scalar(item)
                 and f"port {interpolate(item.value).split('/')[0].split(':')[-1]} " in finding.message]
    return found[0] if len(found) == 1 else None


def _items(ports) -> list:
    return ports.value if nodes.is_sequence(ports) else []
