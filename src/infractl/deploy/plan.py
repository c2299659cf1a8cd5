"""The plan every step reads and fills in, and the two ways a step can stop the deploy."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from infractl.deploy.settings import DeploySettings
from infractl.findings import Finding


class StepFailed(Exception):
    """The deploy ran and something failed (rollout, health, smoke, check): exit 1.

    ``details`` are the lines that explain it (pod status, events, log lines); they are masked for
    secret values before they are printed.
    """

    def __init__(self, message: str, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.details = details or []


class SecretValues(dict):
    """Secret key -> value. Its repr never shows a value, so a stray log or traceback cannot leak one."""

    def __repr__(self) -> str:
        return f"SecretValues({sorted(self)!r})"

    __str__ = __repr__

    def values_to_mask(self) -> tuple[str, ...]:
        return tuple(value for value in self.values() if value)


@dataclass
class DeployOptions:
    dry_run: str | None = None  # None, "client" or "server"
    skip_build: bool = False
    tag: str | None = None
    timeout: float | None = None
    yes: bool = False
    json: bool = False
    down: bool = False
    volumes: bool = False
    push: bool | None = None  # None: the environment's `push` setting
    force_conflicts: bool = False  # take over fields another field manager owns (kubectl's --force-conflicts)


@dataclass
class Plan:
    settings: DeploySettings
    options: DeployOptions
    secrets: SecretValues = field(default_factory=SecretValues)
    tag: str | None = None
    image_ref: str | None = None  # what the target runs: repo@digest (pushed) or the image ID (local)
    image_id: str | None = None
    digest: str | None = None  # sha256:... of the pushed manifest
    objects: list[dict[str, Any]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    applied: list[str] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)  # --dry-run=server: kube_diff.change per object
    waited: list[str] = field(default_factory=list)
    smoke: list[dict[str, Any]] = field(default_factory=list)

    @property
    def timeout(self) -> float:
        return self.options.timeout or self.settings.rollout_timeout

    @property
    def would_push(self) -> bool:
        """A real deploy of these options pushes the image."""
        return self.settings.push if self.options.push is None else self.options.push

    @property
    def pushes(self) -> bool:
        return self.would_push and not self.options.dry_run
