"""The one place the two kinds differ: where the image runs (apply) and how success is judged (wait)."""

from __future__ import annotations

from typing import Protocol

from infractl.deploy.plan import Plan


class Target(Protocol):
    def identify(self, plan: Plan) -> dict[str, str]:
        """What this deploy goes to (e.g. the kube context and its cluster's server), each compared with
        the declared one (a mismatch is an error); read locally, before anything is contacted."""

    def preflight(self, plan: Plan) -> list[str]:
        """Check the target is reachable and is the right one; return what was checked."""

    def apply(self, plan: Plan) -> str:
        """Create or update what runs; return a one-line summary."""

    def wait(self, plan: Plan) -> str:
        """Wait until it is healthy within ``plan.timeout``, else raise StepFailed with diagnostics."""

    def down(self, plan: Plan) -> str:
        """Stop what the environment runs."""

    def endpoint(self, plan: Plan, service: str, port: int) -> str:
        """``host:port`` where a smoke check reaches ``service:port``."""

    def execute(self, plan: Plan, service: str, argv: list[str], timeout: float) -> tuple[int, str]:
        """Run a command in a running service (exit code, output)."""

    def close(self) -> None:
        """Release connections and temporary state."""


def target_for(plan: Plan) -> Target:
    if plan.settings.kind == "kubernetes":
        from infractl.deploy.targets.kube import KubernetesTarget

        return KubernetesTarget()
    from infractl.deploy.targets.compose import ComposeTarget

    return ComposeTarget()
