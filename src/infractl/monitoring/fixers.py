"""MON020's fix: a hard-coded datasource uid replaced by the dashboard's datasource variable, the one the
finding's fix names (the check names one only when it is the only candidate); only that string changes.
Not when the datasource is of another type than the variable (a Loki query sent to a Prometheus variable
would change what the panel shows): the check then names the only variable there is, a human decides."""

from __future__ import annotations

import json
import re

from infractl.findings import Finding
from infractl.fixes import Change, Edit
from infractl.fixing.jsontext import string_value_at


def use_datasource_variable(text: str, finding: Finding) -> Change | None:
    named = re.fullmatch(r"use \$\{(\w+)\}", finding.fix)
    found = string_value_at(text, finding)
    if named is None or found is None or found[0] not in ("uid", "datasource"):
        return None
    variable = named.group(1)
    try:
        document = json.loads(text)
        variables = document.get("templating", {}).get("list", [])
    except (ValueError, AttributeError):
        return None
    kinds = [v.get("query") for v in variables
             if isinstance(v, dict) and v.get("name") == variable and v.get("type") == "datasource"]
    if not kinds:
        return None
    _, start, end, uid = found
    if kinds[0] and _types_of(document, uid) - {kinds[0]}:
        return None
    new = "${" + variable + "}"
    return Change((Edit(start, end, json.dumps(new)),), note=f"datasource {uid!r} -> {new}")


def _types_of(node, uid: str) -> set[str]:
    """The plugin types the dashboard gives datasource ``uid`` (``{"type": ..., "uid": uid}`` anywhere)."""
    if isinstance(node, list):
        return set().union(*(_types_of(item, uid) for item in node))
    if not isinstance(node, dict):
        return set()
    own = {node["type"]} if node.get("uid") == uid and isinstance(node.get("type"), str) else set()
    return own.union(*(_types_of(value, uid) for value in node.values() if isinstance(value, (dict, list))))
