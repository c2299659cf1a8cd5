"""The images a deploy needs but does not build: the Dockerfile's base images (each stage's FROM, as the build
resolves it) and the compose file's other images. Preflight names what is missing before anything is built,
with how to pre-pull it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from infractl.deploy.settings import BuildSettings
from infractl.errors import InfractlError

REGISTRY_TIMEOUT = 20  # seconds for the engine to ask a registry about one image


@dataclass(frozen=True)
class NeededImage:
    image: str
    why: str  # "Dockerfile:3 (stage build)", "service db"


def base_images(build: BuildSettings) -> list[NeededImage]:
    """Each stage's FROM up to the build's target, with the build args and the ARG defaults substituted;
    ``scratch`` and earlier stages are not images. A FROM only a missing --build-arg could name is skipped
    (the Dockerfile check reports it)."""
    from infractl.manifests.checks.dockerfile import UNKNOWN, pairs, parse, substitute

    path = Path(build.context) / build.dockerfile
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InfractlError(f"cannot read the Dockerfile {path}: {getattr(exc, 'strerror', None) or exc}") from None
    instructions, stages = parse(text)
    variables: dict[str, str | None] = {}
    for instruction in instructions:
        if instruction.keyword == "FROM":
            break
        if instruction.keyword == "ARG":
            variables.update((k, build.args.get(k, v)) for k, v in pairs(instruction.args, "ARG"))
    needed, earlier = [], set()
    for stage in stages:
        image = substitute(stage.base, variables)
        if UNKNOWN not in image and image.lower() != "scratch" and image.lower() not in earlier:
            needed.append(NeededImage(image, f"{build.dockerfile}:{stage.line}"
                                             + (f" (stage {stage.name})" if stage.name else "")))
        if stage.name:
            earlier.add(stage.name.lower())
        if build.target and (stage.name or "").lower() == build.target.lower():
            break
    return needed


def local(client, image: str) -> bool:
    from docker.errors import ImageNotFound

    try:
        client.images.get(image)
    except ImageNotFound:
        return False
    return True


def pull_problem(image: str) -> str | None:
    """None when the engine's registry answers for ``image`` (it can be pulled), else why not."""
    import docker

    try:
        client = docker.from_env(timeout=REGISTRY_TIMEOUT)
        client.images.get_registry_data(image)
    except Exception as exc:  # noqa: BLE001 (NotFound, APIError, a timeout: all mean "not pullable from here")
        # the engine's own words (APIError.explanation), not the SDK's "500 Server Error for http+docker://..."
        text = str(getattr(exc, "explanation", None) or exc).strip().splitlines()
        reason = text[0] if text else type(exc).__name__
        return reason if len(reason) <= 200 else reason[:199] + "…"
    return None


class MissingImages(InfractlError):
    """Images a deploy needs and cannot get: preflight joins the Dockerfile's and the compose file's into one
    error, so a user learns everything to pre-pull at once."""

    def __init__(self, missing: list[tuple[NeededImage, str]], hint: str) -> None:
        self.missing, self.hint = missing, hint
        listed = "; ".join(f"{need.image} ({need.why}): {reason}" for need, reason in missing)
        pulls = " && ".join(f"docker pull {image}" for image in dict.fromkeys(need.image for need, _ in missing))
        super().__init__(f"{len(missing)} image(s) this deploy needs are missing, before anything is built: "
                         f"{listed}. Pre-pull them where a registry is reachable ({pulls}, or docker save | "
                         f"docker load){hint}")

    def joined(self, other: MissingImages | None) -> MissingImages:
        return self if other is None else MissingImages(self.missing + other.missing, self.hint + other.hint)


def missing_report(missing: list[tuple[NeededImage, str]], hint: str) -> MissingImages:
    """One error listing every missing image and how to pre-pull it."""
    return MissingImages(missing, hint)
