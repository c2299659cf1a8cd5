"""Custom resources validated against the CustomResourceDefinitions in the same manifests.

A CRD's ``openAPIV3Schema`` is an OpenAPI 3.0 (draft-04 style) schema with Kubernetes extensions. The API
server (with kubectl's default ``--validate=strict``) rejects fields a structural schema does not declare
unless ``x-kubernetes-preserve-unknown-fields`` is set; here that becomes ``additionalProperties: false``,
``nullable`` admits null and ``x-kubernetes-int-or-string`` admits both. jsonschema (Draft 4) does the
validation: it is imported only when a custom resource has its CRD beside it.
"""

from __future__ import annotations

import copy
from typing import Any

_SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf")
_ROOT_FIELDS = {"apiVersion": {"type": "string"}, "kind": {"type": "string"}, "metadata": {"type": "object"}}


def crd_schemas(objects: list[dict]) -> dict[tuple[str, str], dict]:
    """(apiVersion, kind) -> the strict schema, for every version of every CRD among ``objects``."""
    found: dict[tuple[str, str], dict] = {}
    for obj in objects:
        if obj.get("kind") != "CustomResourceDefinition" or not isinstance(obj.get("spec"), dict):
            continue
        spec = obj["spec"]
        group, kind = spec.get("group"), (spec.get("names") or {}).get("kind")
        for version in spec.get("versions") or []:
            schema = ((version or {}).get("schema") or {}).get("openAPIV3Schema")
            if group and kind and isinstance(schema, dict):
                found[(f"{group}/{version.get('name')}", kind)] = strict_schema(schema)
    return found


def strict_schema(schema: dict) -> dict:
    root = copy.deepcopy(schema)
    if not root.get("x-kubernetes-preserve-unknown-fields"):
        root.setdefault("properties", {})
        for name, field in _ROOT_FIELDS.items():
            root["properties"].setdefault(name, field)
    _close(root)
    return root


def _close(node: Any) -> None:
    if not isinstance(node, dict):
        return
    for child in (node.get("properties") or {}).values():
        _close(child)
    for key in ("items", "additionalProperties", "not"):
        _close(node.get(key))
    for key in _SUBSCHEMA_LISTS:
        for child in node.get(key) or []:
            _close(child)
    if node.get("x-kubernetes-int-or-string"):
        node.pop("type", None)
        node["type"] = ["integer", "string"]
    if node.pop("nullable", False) and "type" in node:
        types = node["type"] if isinstance(node["type"], list) else [node["type"]]
        node["type"] = [*types, "null"]
    open_ = node.get("x-kubernetes-preserve-unknown-fields") or node.get("x-kubernetes-embedded-resource")
    if "properties" in node and "additionalProperties" not in node and not open_:
        node["additionalProperties"] = False


class CrdValidators:
    """The CRDs of one manifest set; each version's validator is built on first use."""

    def __init__(self, objects: list[dict]):
        self.schemas = crd_schemas(objects)
        self.validators: dict[tuple[str, str], Any] = {}

    def errors(self, obj: dict, limit: int) -> list[tuple[tuple, str]] | None:
        """Errors of a custom resource against its CRD; None when no CRD here defines its kind."""
        key = (obj.get("apiVersion"), obj.get("kind"))
        schema = self.schemas.get(key)
        if schema is None:
            return None
        if key not in self.validators:
            import jsonschema

            self.validators[key] = jsonschema.Draft4Validator(schema)
        from infractl.manifests.checks.schema import message_without_value  # schema.py says why

        errors = sorted(self.validators[key].iter_errors(obj), key=lambda e: [str(p) for p in e.absolute_path])
        return [(tuple(e.absolute_path),
                 f"{'.'.join(map(str, e.absolute_path)) or '(top level)'}: {message_without_value(e)}")
                for e in errors[:limit]]
