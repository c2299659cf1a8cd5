"""``infractl deploy ENV``: sequence the steps; nothing here does a step's work itself."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from infractl import __version__
from infractl.config import load_config
from infractl.deploy import build, check, preflight, render, smoke
from infractl.deploy.plan import DeployOptions, Plan, StepFailed
from infractl.deploy.render import redacted
from infractl.deploy.settings import load_settings
from infractl.deploy.steps import StepRunner
from infractl.deploy.targets.interface import target_for
from infractl.errors import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, InfractlError


def run(env: str, options: DeployOptions, config_path: Path | None = None) -> int:
    settings = load_settings(load_config(explicit=config_path), env)
    plan = Plan(settings=settings, options=options)
    steps = StepRunner(plan, quiet=options.json)
    target = target_for(plan)
    code, error = EXIT_OK, None
    try:
        steps.run("preflight", lambda p: preflight.preflight(p, target))
        if options.down:
            steps.run("down", target.down)
        else:
            deploy(plan, steps, target)
    except StepFailed as exc:
        code, error = EXIT_FINDINGS, exc
    except InfractlError as exc:
        code, error = EXIT_ERROR, exc
    finally:
        target.close()
    report(plan, steps, code, error)
    return code


def deploy(plan: Plan, steps: StepRunner, target) -> None:
    options, kube = plan.options, plan.settings.kind == "kubernetes"
    if options.skip_build:
        steps.run("build", build.use_existing_image)
    else:
        steps.run("build", build.build_image)
    if plan.pushes:
        steps.run("push", build.push_image)
    elif options.dry_run and plan.would_push:  # pushes nothing; pins what the push would
        steps.skip("push", build.pin_like_a_push(plan))
    else:
        steps.skip("push", push_skipped_because(plan))
    if kube:
        steps.run("render", render.render_manifests)
        steps.run("check", check.check_manifests)
    else:
        steps.run("render", lambda p: f"{target.pin_override(p) and len(p.applied)} services pinned to "
                                      f"{p.image_ref[:19]}")
        steps.run("check", lambda p: check.check_compose(p, target))
    if options.dry_run == "client":
        steps.skip("apply", "--dry-run=client stops after check")
        return
    if options.dry_run and not kube:  # compose has no server to dry-run against: `up` would be for real
        steps.skip("apply", f"--dry-run={options.dry_run} stops after check for kind = \"compose\"")
        return
    steps.run("apply", target.apply)
    if options.dry_run == "server":
        steps.skip("wait", "server dry run: nothing rolled out")
        return
    steps.run("wait", target.wait)
    steps.run("smoke", lambda p: smoke.run_smoke(
        p, lambda service, port: target.endpoint(p, service, port),
        lambda service, argv, timeout: target.execute(p, service, argv, timeout)))


def push_skipped_because(plan: Plan) -> str:
    if plan.options.dry_run:
        return "dry run"
    if plan.options.push is False:
        return "--no-push"
    return "not configured (--push pushes)"


def report(plan: Plan, steps: StepRunner, code: int, error: Exception | None) -> None:
    details = [steps.mask(line) for line in getattr(error, "details", [])]
    message = steps.mask(str(error)) if error else ""
    from infractl.sanitise import sanitise_finding  # deploy prints its findings itself: same sanitiser

    findings = [sanitise_finding(finding) for finding in plan.findings]
    if plan.options.json:
        document = {
            "tool": "infractl", "version": __version__, "command": "deploy", "environment": plan.settings.env,
            "kind": plan.settings.kind, "ok": code == EXIT_OK, "exit_code": code,
            "error": message or None, "details": details,
            "image": {"tag": plan.tag, "id": plan.image_id, "digest": plan.digest, "reference": plan.image_ref},
            "steps": [record.to_dict() for record in steps.records],
            "findings": [finding.to_dict() for finding in findings],
            "applied": plan.applied, "rolled_out": plan.waited, "smoke": plan.smoke,
        }
        if plan.options.dry_run:
            document["objects"] = redacted(plan.objects)
        if server_diff(plan):
            from infractl.sanitise import escape_controls

            # as the objects: literal secrets masked (below); no name-based masking, which would turn
            # `automountServiceAccountToken: false` into ***. kube_diff has masked every Secret value.
            document["changes"] = [{key: escape_controls(value, keep_lines=True) if isinstance(value, str) else value
                                    for key, value in change.items()} for change in plan.changes]
        sys.stdout.write(steps.mask(json.dumps(document, indent=2)) + "\n")
        return
    if plan.options.dry_run and plan.objects and code == EXIT_OK:
        # what would be applied or changed, on stdout (the status lines are on stderr): `> planned` keeps it
        sys.stdout.write(steps.mask(dry_run_text(plan)))
    for finding in findings:
        sys.stderr.write(steps.mask(f"  {finding.severity.value:<7} {finding.rule}  {finding.path}:"
                                    f"{finding.line or '-'}  {finding.message}") + "\n")
    for line in details:
        sys.stderr.write(f"  {line}\n")
    if error:
        sys.stderr.write(f"error: {message}\n")
    elif plan.options.down:
        sys.stderr.write(f"{plan.settings.env}: stopped\n")
    elif plan.options.dry_run:
        from infractl.deploy.targets.kube_diff import summary

        would = (summary(plan.changes) if server_diff(plan)
                 else f"{len(plan.objects)} objects would be applied" if plan.settings.kind == "kubernetes"
                 else f"{', '.join(plan.applied)} would run {plan.image_ref}")
        sys.stderr.write(f"{plan.settings.env}: dry run ({plan.options.dry_run}): nothing deployed; {would}\n")
    else:
        sys.stderr.write(f"{plan.settings.env}: deployed {plan.image_ref}\n")


def server_diff(plan: Plan) -> bool:
    """A Kubernetes server dry run that got as far as the diff."""
    return plan.options.dry_run == "server" and plan.settings.kind == "kubernetes" and bool(plan.changes)


def dry_run_text(plan: Plan) -> str:
    """A server dry run: the diff of each object it would change (unchanged ones are only counted);
    a client dry run: the objects it would apply, as YAML. Secret values masked in both."""
    if not server_diff(plan):
        import yaml

        return yaml.safe_dump_all(redacted(plan.objects), sort_keys=False)
    # each line escaped, literal secrets masked, unable to start a workflow command; no name-based masking (as
    # --json's changes): kube_diff has masked every Secret value
    from infractl.sanitise import error_text

    return "".join(error_text(line) + "\n" for change in plan.changes for line in change["diff"].splitlines())
