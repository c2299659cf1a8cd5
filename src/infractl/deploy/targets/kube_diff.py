"""What a server dry run would change, as ``kubectl diff`` shows it: the live object against the server's
answer to the dry-run apply, one unified diff per object.

What the server keeps moving by itself (managedFields, resourceVersion, generation, uid,
creationTimestamp, status) is left out of both sides, or every object would look changed. A Secret's
values never reach the diff: each is ``***`` on both sides when it is the same, ``*** (before)`` and
``*** (after)`` when it changes (kubectl's wording), so a changed secret shows as changed, never its
value; ``stringData`` is folded into ``data`` first, as the server stores it.
"""

from __future__ import annotations

import base64
import copy
import difflib
from typing import Any

SERVER_KEPT = ("managedFields", "resourceVersion", "generation", "uid", "creationTimestamp")
# kubectl's client-side apply copies the whole object here: on a Secret, its values.
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
MASK = "***"


def comparable(obj: dict[str, Any] | None) -> dict[str, Any] | None:
    """The object less what the server keeps moving by itself; a Secret's stringData folded into data."""
    if obj is None:
        return None
    obj = copy.deepcopy(obj)
    obj.pop("status", None)
    meta = obj.get("metadata")
    if isinstance(meta, dict):
        for key in SERVER_KEPT:
            meta.pop(key, None)
    if obj.get("kind") == "Secret" and isinstance(obj.get("stringData"), dict):
        data = obj.get("data") if isinstance(obj.get("data"), dict) else {}
        for key, value in obj.pop("stringData").items():
            data[key] = base64.b64encode(str(value).encode()).decode()
        obj["data"] = data
    return obj


def mask_secret_values(before: dict[str, Any] | None, after: dict[str, Any] | None) -> None:
    """In place: every value of a Secret (and kubectl's copy of it) replaced by a marker that says only
    whether it changed."""
    if not any(side is not None and side.get("kind") == "Secret" for side in (before, after)):
        return
    for field in ("data", "stringData", "annotations"):
        old, new = _table(before, field), _table(after, field)
        for key in {LAST_APPLIED} if field == "annotations" else set(old) | set(new):
            was, now = old.get(key), new.get(key)
            if key in old:
                old[key] = MASK if was == now or key not in new else f"{MASK} (before)"
            if key in new:
                new[key] = MASK if was == now or key not in old else f"{MASK} (after)"


def _table(obj: dict[str, Any] | None, field: str) -> dict[str, Any]:
    """The object's own ``data`` / ``stringData`` / ``metadata.annotations`` (to change in place), else {}."""
    holder = (obj or {}).get("metadata") if field == "annotations" else obj
    table = (holder or {}).get(field)
    return table if isinstance(table, dict) else {}


def object_label(obj: dict[str, Any], namespace: str | None) -> str:
    """``apps.v1.Deployment.ns.name``, as kubectl diff names its files."""
    group_version = str(obj.get("apiVersion", "")).replace("/", ".")
    name = (obj.get("metadata") or {}).get("name")
    return ".".join(part for part in (group_version, str(obj.get("kind")), namespace, str(name)) if part)


def change(obj: dict[str, Any], namespace: str | None, live: dict[str, Any] | None,
           merged: dict[str, Any]) -> dict[str, Any]:
    """One object's entry: kind, namespace, name, action (create, update or unchanged) and its diff."""
    import yaml

    before, after = comparable(live), comparable(merged)
    mask_secret_values(before, after)
    label = object_label(obj, namespace)
    old = yaml.safe_dump(before, sort_keys=True).splitlines(keepends=True) if before is not None else []
    new = yaml.safe_dump(after, sort_keys=True).splitlines(keepends=True)
    diff = "".join(difflib.unified_diff(old, new, f"live/{label}" if live is not None else "/dev/null",
                                        f"merged/{label}"))
    action = "create" if live is None else "update" if diff else "unchanged"
    return {"kind": obj.get("kind"), "namespace": namespace, "name": (obj.get("metadata") or {}).get("name"),
            "action": action, "diff": diff}


def summary(changes: list[dict[str, Any]]) -> str:
    """``3 to create, 1 to update, 4 unchanged`` (only the actions that occur)."""
    counts = {action: sum(1 for c in changes if c["action"] == action) for action in ("create", "update")}
    unchanged = sum(1 for c in changes if c["action"] == "unchanged")
    parts = [f"{count} to {action}" for action, count in counts.items() if count]
    parts += [f"{unchanged} unchanged"] if unchanged else []
    return ", ".join(parts) or "no objects"
