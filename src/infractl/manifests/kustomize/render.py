"""Render a kustomize directory with the real kustomize; optionally pin images (to a digest).

The user's directory is never modified: image overrides go into a temporary overlay whose only
resource is the user's directory (kustomize lets a kustomization use a directory anywhere as a base).
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from pathlib import Path

from infractl.errors import InfractlError
from infractl.manifests.kustomize.kubectl import kustomize_command
from infractl.process import tools

KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")


def find_kustomization(directory: Path) -> Path | None:
    for name in KUSTOMIZATION_FILES:
        candidate = directory / name
        if candidate.is_file():
            return candidate
    return None


def image_override(name: str, reference: str) -> dict[str, str]:
    """``images:`` entry of a kustomization: ``repo@sha256:...`` pins a digest, ``repo:tag`` a tag."""
    entry = {"name": name}
    if "@" in reference:
        new_name, digest = reference.split("@", 1)
        entry["digest"] = digest
    else:
        last = reference.rsplit("/", 1)[-1]
        if ":" in last:
            new_name, tag = reference.rsplit(":", 1)
            entry["newTag"] = tag
        else:
            new_name = reference
    if new_name:
        entry["newName"] = new_name
    return entry


class RenderError(InfractlError):
    """kustomize ran and refused the directory: a finding on that input (K8S000), not the end of the run;
    K8S004 when ``needs`` says what the render lacked here rather than what the directory lacks."""

    @property
    def needs(self) -> str | None:
        return needs_beyond_offline(str(self))


# kustomize's own words when a render needs what infractl does not give it: the network (a remote base
# that could not be fetched), Helm (--enable-helm runs helm, which may download the chart) or an external
# plugin (--enable-alpha-plugins runs programs named by the repository). Not the directory's defect.
_REMOTE = re.compile(r"accumulating resources from '((?:https?|ssh|git)://[^']+|git@[^']+|"
                     r"(?:github\.com|gitlab\.com|bitbucket\.org)/[^']+)'")
# the network failed (no answer), as opposed to a server that answered that the base is not there ("URL is
# a git repository ... repository '...' not found"): that is the directory's defect, K8S000
_UNREACHABLE = ("dial tcp", "Could not resolve host", "no such host", "Connection refused", "Couldn't connect",
                "Failed to connect", "Network is unreachable", "timed out", "Name or service not known")


def needs_beyond_offline(message: str) -> str | None:
    """What kustomize's ``message`` says the render needed beyond the files here, or None (a real defect)."""
    remote = _REMOTE.search(message)
    if remote and any(mark in message for mark in _UNREACHABLE):
        return f"the network: its remote base '{remote.group(1)}' could not be fetched"
    if "must specify --enable-helm" in message:
        return "Helm: it inflates a Helm chart (kustomize --enable-helm, which runs helm)"
    if "external plugins disabled" in message:
        return "an external kustomize plugin (--enable-alpha-plugins runs a program the repository names)"
    return None


def start_render(directory: Path, overlay: Path | None = None) -> subprocess.Popen:
    """Start kustomize on ``directory`` (or ``overlay``) without waiting: callers do other work meanwhile,
    and end it with ``finish_render`` or, leaving early, ``stop_render``."""
    target = overlay or directory
    try:
        return tools.start([*kustomize_command(), str(target)])
    except OSError as exc:
        raise InfractlError(f"cannot run {kustomize_command()[0]}: {exc}") from None


def stop_render(process: subprocess.Popen) -> None:
    tools.stop(process)


def finish_render(process: subprocess.Popen, directory: Path) -> str:
    finished = tools.finish(process)
    failure = finished.failure()
    if failure is not None:
        detail = kubectl_message(finished.message()) if finished.returncode > 0 else failure
        raise RenderError(f"{' '.join(kustomize_command())} {directory} failed: {detail}")
    return finished.stdout.decode("utf-8")


def kubectl_message(stderr: str) -> str:
    """kubectl's whole error on one line, without klog's headers. klog writes a one-line value as
    ``E1127 11:48:19.16 10488 run.go:72] "command failed" err="X"`` and a multi-line one as ``err=<``,
    the lines indented by a tab, then `` >``: the cause is in those lines, not in the last one."""
    parts = []
    for line in stderr.splitlines():
        text = _without_log_prefix(line).strip()
        if text and text not in ("<", ">"):
            parts.append(text)
    return " ".join(parts) or "no output"


def _without_log_prefix(line: str) -> str:
    """One line of kubectl's stderr without its klog header: ``E1127 ... run.go:72] "command failed"
    err="X"`` -> ``X``; ``... err=<`` -> ``<``."""
    match = re.match(r'^[IWEF]\d{4} [\d:.]+\s+\d+ \S+:\d+\] (?:"[^"]*" )?(?:err=)?(?P<rest>.*)$', line)
    if match is None:
        return line
    rest = match.group("rest")
    if len(rest) >= 2 and rest[0] == rest[-1] == '"':
        rest = rest[1:-1].replace('\\"', '"')
    return rest


def parse_rendered(text: str) -> list[dict]:
    """kustomize's output as objects (timestamps stay strings, as the API reads them)."""
    from infractl.load.fastyaml import load_documents

    return [doc for doc in load_documents(text) if isinstance(doc, dict)]


def render_text(directory: Path, images: dict[str, str] | None = None) -> str:
    """kustomize's YAML output for ``directory``, with ``images`` ({name in manifests: reference}) pinned."""
    directory = Path(directory)
    if not directory.is_dir():
        raise InfractlError(f"not a directory: {directory}")
    if find_kustomization(directory) is None:
        raise InfractlError(f"{directory}: no kustomization.yaml")
    if not images:
        return finish_render(start_render(directory), directory)
    import yaml

    with tempfile.TemporaryDirectory(prefix="infractl-overlay-") as tmp:
        overlay = Path(tmp)
        document = {
            "apiVersion": "kustomize.config.k8s.io/v1beta1",
            "kind": "Kustomization",
            # kustomize refuses an absolute root: name the user's directory relative to the overlay.
            "resources": [os.path.relpath(directory.resolve(), overlay.resolve())],
            "images": [image_override(name, ref) for name, ref in sorted(images.items())],
        }
        (overlay / "kustomization.yaml").write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
        return finish_render(start_render(directory, overlay), directory)


def render_kustomize(directory: Path, images: dict[str, str] | None = None) -> list[dict]:
    """Render ``directory`` with the real kustomize and return the objects, in kustomize's order."""
    return parse_rendered(render_text(directory, images))
