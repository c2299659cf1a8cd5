"""MON020's fix: a hard-coded datasource uid replaced by the dashboard's datasource variable, the one the
finding's fix names (the check names one only when it is the only candidate); only that string changes."""

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
        variables = json.loads(text).get("templating", {}).get("list", [])
    except (ValueError, AttributeError):
        return None
    if not any(isinstance(v, dict) and v.get("name") == variable and v.get("type") == "datasource"
               for v in variables):
        return None
    _, start, end, uid = found
    new = "${" + variable + "}"
    return Change((Edit(start, end, json.dumps(new)),), note=f"datasource {uid!r} -> {new}")
