"""Build the image (tag = git commit, OCI labels in its config) with the engine's BuildKit where it is
to be had (buildkit.py), else its legacy builder through the Docker SDK; push it keeping the digest."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from infractl.deploy.buildkit import build_definition, build_with_buildkit, compose_for_buildkit
from infractl.deploy.plan import Plan, StepFailed
from infractl.errors import InfractlError


def docker_client():
    import docker
    from docker.errors import DockerException

    try:
        client = docker.from_env(timeout=300)
        client.ping()
    except DockerException as exc:
        raise InfractlError(f"the Docker engine is not reachable ({_short(exc)}); start it or set DOCKER_HOST") from None
    return client


def git_tag(root: Path) -> str:
    """The commit (12 hex digits), plus ``-dirty`` when the work tree has uncommitted changes."""
    def git(*args: str) -> str:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise InfractlError(f"cannot tag the image from git in {root} ({done.stderr.strip() or 'git failed'}); "
                                "pass --tag")
        return done.stdout.strip()

    commit = git("rev-parse", "--short=12", "HEAD")
    return commit + ("-dirty" if git("status", "--porcelain", "--untracked-files=no") else "")


def git_source(root: Path) -> str:
    done = subprocess.run(["git", "-C", str(root), "config", "--get", "remote.origin.url"],
                          capture_output=True, text=True, check=False)
    return done.stdout.strip()


def source_time(root: Path) -> str | None:
    """When the source was made, not when it was built, so identical source builds an identical image (and
    compose does not recreate its container): SOURCE_DATE_EPOCH when set, else the commit's time."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        done = subprocess.run(["git", "-C", str(root), "log", "-1", "--format=%ct", "HEAD"],
                              capture_output=True, text=True, check=False)
        epoch = done.stdout.strip() if done.returncode == 0 else ""
    if not epoch.isdigit():
        return None  # no source time: no created label rather than one that changes every build
    return datetime.fromtimestamp(int(epoch), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def oci_labels(plan: Plan, revision: str) -> dict[str, str]:
    labels = {"org.opencontainers.image.revision": revision}
    created = source_time(plan.settings.root)
    if created:
        labels["org.opencontainers.image.created"] = created
    source = git_source(plan.settings.root)
    if source:
        from infractl.sanitise.masking import mask_url

        labels["org.opencontainers.image.source"] = mask_url(source)
    return labels


def choose_tag(plan: Plan) -> str:
    plan.tag = plan.options.tag or git_tag(plan.settings.root)
    return plan.tag


def build_image(plan: Plan) -> str:
    """Build ``repository:tag``; stream the build output as progress on a terminal, quietly in CI."""
    settings = plan.settings
    build = settings.build
    if build is None:
        raise InfractlError(f"[tool.infractl.deploy.{settings.env}] has no build table; use --skip-build with --tag")
    from infractl.deploy.check import check_dockerfile

    check_dockerfile(plan)  # a Dockerfile with error findings is never built
    tag = choose_tag(plan)
    reference = f"{settings.repository}:{tag}"
    revision = tag.removesuffix("-dirty")
    client = docker_client()
    labels = oci_labels(plan, revision)
    compose, builder = compose_for_buildkit(client, build)
    progress = _Progress(enabled=sys.stderr.isatty() and not plan.options.json)
    try:
        if compose:
            build_with_buildkit(compose, build_definition(build, reference, labels), progress.show)
            image_id = None
        else:
            image_id = _legacy_build(client, build, reference, labels, progress)
    finally:
        progress.close()
    plan.image_id = image_id or client.images.get(reference).id
    plan.image_ref = plan.image_id
    return f"{reference} ({plan.image_id[:19]}; {builder})"


def _legacy_build(client, build, reference: str, labels: dict[str, str], progress: _Progress) -> str | None:
    """The engine's legacy builder through the SDK (where BuildKit is not to be had): the image ID."""
    tail: list[str] = []
    image_id = None
    try:
        stream = client.api.build(
            path=str(build.context), dockerfile=build.dockerfile, tag=reference, target=build.target,
            buildargs=build.args or None, labels=labels, rm=True, forcerm=True,
            decode=True, network_mode=build.network,
        )
        for chunk in stream:
            if "error" in chunk:
                raise StepFailed(f"docker build failed: {chunk['error'].strip()}", tail[-15:])
            text = chunk.get("stream", "")
            for line in text.splitlines():
                if line.strip():
                    tail.append(line.rstrip())
                    progress.show(line)
            aux = chunk.get("aux")
            if isinstance(aux, dict) and aux.get("ID"):
                image_id = aux["ID"]
    except StepFailed:
        raise
    except Exception as exc:  # noqa: BLE001 (APIError, BuildError, a missing Dockerfile, ...)
        raise StepFailed(f"docker build failed: {_short(exc)}", tail[-15:]) from None
    return image_id


def use_existing_image(plan: Plan) -> str:
    """--skip-build: the image ``repository:tag`` must already exist locally (or be pushed already)."""
    from docker.errors import ImageNotFound

    tag = choose_tag(plan)
    reference = f"{plan.settings.repository}:{tag}"
    try:
        plan.image_id = docker_client().images.get(reference).id
    except ImageNotFound:
        raise InfractlError(f"--skip-build: no local image {reference}; build it first or pass --tag") from None
    plan.image_ref = plan.image_id
    return f"using {reference} ({plan.image_id[:19]})"


def push_image(plan: Plan) -> str:
    """Push ``repository:tag``; keep the registry's digest so later steps pin by it."""
    repository, tag = plan.settings.repository, plan.tag
    client = docker_client()
    digest = None
    try:
        for chunk in client.api.push(repository, tag=tag, stream=True, decode=True):
            if "error" in chunk:
                raise StepFailed(f"push of {repository}:{tag} failed: {chunk['error'].strip()}")
            aux = chunk.get("aux")
            if isinstance(aux, dict) and aux.get("Digest"):
                digest = aux["Digest"]
    except StepFailed:
        raise
    except Exception as exc:  # noqa: BLE001 (any transport or API error)
        raise StepFailed(f"push of {repository}:{tag} failed: {_short(exc)}") from None
    if not digest:
        raise StepFailed(f"push of {repository}:{tag} reported no digest")
    plan.digest = digest
    plan.image_ref = f"{repository}@{digest}"
    return plan.image_ref


def pin_like_a_push(plan: Plan) -> str:
    """A dry run of an environment that pushes: nothing is pushed, but a real deploy pins the digest its push
    gets. The local image's RepoDigests keep the digest of its last push to this repository (the same image
    pushes to the same digest): pinning it, a server dry run compares what the deploy would really send, not
    ``repository:tag``, which the cluster would show as a changed image on every object. Returns the reason
    the push step was skipped."""
    repository = plan.settings.repository
    try:
        recorded = docker_client().images.get(plan.image_id).attrs.get("RepoDigests") or []
    except Exception as exc:  # noqa: BLE001 (any transport or API error)
        raise StepFailed(f"cannot read the digests of {plan.image_id[:19]}: {_short(exc)}") from None
    for entry in recorded:
        name, _, digest = entry.partition("@")
        if name == repository and digest.startswith("sha256:"):
            plan.digest, plan.image_ref = digest, entry
            return f"dry run: pinned to {digest[:19]}, the digest of this image's last push"
    return f"dry run: this image was never pushed to {repository}; pinned to its tag (a deploy pins its digest)"


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


class _Progress:
    """The last line of the build output, redrawn in place (a terminal only)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.shown = False

    def show(self, line: str) -> None:
        if self.enabled:
            import shutil

            width = max(20, shutil.get_terminal_size().columns - 12)
            sys.stderr.write("\x1b[2K  build: " + line.strip()[:width] + "\r")
            sys.stderr.flush()
            self.shown = True

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\x1b[2K")
            sys.stderr.flush()
