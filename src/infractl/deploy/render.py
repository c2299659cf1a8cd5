"""Render: kustomize output with the image pinned and the Secret values injected, in memory only."""

from __future__ import annotations

import copy
from typing import Any

from infractl.deploy.plan import Plan
from infractl.errors import InfractlError

POD_SPEC_PATHS = {
    "Deployment": ("spec", "template", "spec"), "StatefulSet": ("spec", "template", "spec"),
    "DaemonSet": ("spec", "template", "spec"), "ReplicaSet": ("spec", "template", "spec"),
    "Job": ("spec", "template", "spec"), "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
    "Pod": ("spec",),
}


def render_manifests(plan: Plan) -> str:
    from infractl.manifests.kustomize.render import render_kustomize

    reference = plan.image_ref if plan.digest else f"{plan.settings.repository}:{plan.tag}"
    # kustomize pins the image (an images: override in a temporary overlay); pin_image checks it took.
    objects = render_kustomize(plan.settings.manifests, images={plan.settings.image: reference})
    pinned = pin_image(objects, plan.settings.image, plan.settings.repository, reference)
    inject_secrets(objects, plan.secrets)
    plan.objects = objects
    return f"{len(objects)} objects from {plan.settings.manifests}, {pinned} containers pinned to {reference}"


def repository_of(image: str) -> str:
    """``reg:5000/app:1.2@sha256:..`` -> ``reg:5000/app`` (a port colon is not a tag)."""
    name = image.split("@", 1)[0]
    slash = name.rfind("/")
    colon = name.rfind(":")
    return name[:colon] if colon > slash else name


def pin_image(objects: list[dict[str, Any]], image: str, repository: str, reference: str | None) -> int:
    """Point every container running ``image`` (or ``repository``), whatever its tag, at ``reference``."""
    if not reference:
        raise InfractlError("no image to pin: build it, or pass --skip-build with --tag")
    names = {image, repository}
    count = 0
    for obj in objects:
        spec = _dig(obj, POD_SPEC_PATHS.get(obj.get("kind", ""), ()))
        if not isinstance(spec, dict):
            continue
        for key in ("initContainers", "containers"):
            for container in spec.get(key) or []:
                if repository_of(str(container.get("image", ""))) in names:
                    container["image"] = reference
                    count += 1
    if count == 0:
        raise InfractlError(f"no container in the manifests runs image {image}: nothing to pin")
    return count


def inject_secrets(objects: list[dict[str, Any]], secrets: dict[str, str]) -> None:
    """Put each configured value into every Secret that declares its key (stringData or data)."""
    used = set()
    for obj in objects:
        if obj.get("kind") != "Secret":
            continue
        declared = set(obj.get("data") or {}) | set(obj.get("stringData") or {})
        for key in declared & set(secrets):
            obj.setdefault("stringData", {})[key] = secrets[key]
            if key in (obj.get("data") or {}):
                del obj["data"][key]
            used.add(key)
    missing = sorted(set(secrets) - used)
    if missing:
        raise InfractlError(f"no Secret in the manifests declares key {', '.join(missing)} "
                            "(add it with a placeholder value; deploy fills it in)")


def redacted(objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A copy safe to print or put in --json: Secret values replaced by ***."""
    safe = copy.deepcopy(objects)
    for obj in safe:
        if obj.get("kind") == "Secret":
            for field in ("data", "stringData"):
                if isinstance(obj.get(field), dict):
                    obj[field] = {key: "***" for key in obj[field]}
    return safe


def _dig(obj: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj if path else None
