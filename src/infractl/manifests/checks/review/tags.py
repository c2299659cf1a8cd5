"""Floating version tags: ``postgres:18``, ``python:3.14``, ``node:20-alpine`` name a major or major.minor
line that the publisher moves to each new patch release, so two pulls a week apart run different code.
They are told apart from ``:latest``/no tag (``hardening.image_unpinned``, an error) and judged here: a
warning for Kubernetes containers (K8S118), compose services (COMPOSE008) and Dockerfile ``FROM``
(DOCKER006, in dockerfile.py). A digest, a full ``1.2.3`` tag, a date or build number, or a tag that is not
a version at all (``bookworm``, ``RELEASE.2024-...``) is not judged.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# The version at the start of a tag (an optional "v"), then an optional variant ("-alpine", "-slim-bookworm").
_VERSION_TAG = re.compile(r"^v?(?P<numbers>\d+(?:\.\d+)*)(?P<variant>[-_].*)?$")
# Images whose releases are numbered major.minor, so that two numbers name one exact release: PostgreSQL
# since 10 (17.2 is the second patch release of 17). The value is the first major that numbers so.
_TWO_PART_RELEASES = {"postgres": 10}
_DATE_OR_BUILD = 6  # a single number this long is a date (20240911) or a build, not a major version


def repository_and_tag(image: str) -> tuple[str, str] | None:
    """(repository without registry or library/, tag) of an image reference with a tag and no digest."""
    if "@" in image:
        return None
    last = image.rsplit("/", 1)[-1]
    if ":" not in last:
        return None
    name, tag = last.rsplit(":", 1)
    return name.lower(), tag


def floating_tag(image: str) -> str | None:
    """Why ``image``'s tag floats (a major or major.minor line), or None: pinned, a digest, no version."""
    found = repository_and_tag(image)
    if found is None:
        return None
    name, tag = found
    version = _VERSION_TAG.match(tag)
    if version is None:
        return None
    numbers = version.group("numbers").split(".")
    if len(numbers) >= 3 or (len(numbers) == 1 and len(numbers[0]) >= _DATE_OR_BUILD):
        return None
    since = _TWO_PART_RELEASES.get(name)
    if since is not None and len(numbers) == 2 and int(numbers[0]) >= since:
        return None
    line = "major" if len(numbers) == 1 else "major.minor"
    return f"tag {tag} names a {line} line that moves with every release"


def k8s_floating_hits(objects: list[dict]) -> Iterator:
    """K8S118 for every container image with a floating tag."""
    from infractl.manifests.checks.hardening import Hit, label
    from infractl.manifests.checks.workloads import containers

    for obj in objects:
        for keys, container, _spec in containers(obj):
            image = container.get("image")
            reason = floating_tag(image) if isinstance(image, str) else None
            if reason:
                yield Hit(obj, (*keys, "image"), "K8S118",
                          f"{label(obj)} container {container.get('name', '?')}: image {image}: {reason}",
                          "pin the full version (1.2.3) or, better, a digest (image@sha256:...)")


def compose_floating_hits(name: str, service: dict, keys: tuple, resolved_image: str | None) -> Iterator[tuple]:
    """COMPOSE008 for a service whose image (after interpolation) has a floating tag."""
    reason = floating_tag(resolved_image) if resolved_image else None
    if reason:
        yield ((*keys, "image"), "COMPOSE008", f"service {name}: image {service.get('image')}: {reason}",
               "pin the full version (postgres:17.2, python:3.12.7-slim) or a digest")
