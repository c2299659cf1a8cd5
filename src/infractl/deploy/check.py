"""Check: the Dockerfile before it is built, then the manifests pipeline (manifests/command.py's collect,
as `manifests lint` and `check` run it) over the rendered objects or the compose file; the project's
select/ignore and `# noqa` count here as there; errors stop the deploy."""

from __future__ import annotations

from pathlib import Path

from infractl.deploy.plan import Plan, StepFailed
from infractl.findings import Severity


def check_dockerfile(plan: Plan) -> None:
    """The DOCKER rules over the Dockerfile the build step is about to build (its build args and target as
    the build uses them; ``# noqa`` honoured). Errors stop the deploy before anything is built; the
    findings stay in the report."""
    from infractl.manifests.checks.dockerfile import lint_dockerfile, noqa_lines
    from infractl.manifests.kustomize.sourcemap import display_path
    from infractl.selection import keep_wanted

    build = plan.settings.build
    path = Path(build.context) / build.dockerfile
    shown = display_path(path, Path.cwd())
    plan.findings = keep_wanted(lint_dockerfile(path, shown, build.args, build.target),
                                plan.settings.lint_selection, noqa_lines)
    errors = [f for f in plan.findings if f.severity == Severity.ERROR]
    if errors:
        raise StepFailed(f"{len(errors)} error finding(s) in {shown} stop the deploy before the build",
                         [f"{f.path}:{f.line or '-'} {f.rule} {f.message}" for f in errors])


def check_manifests(plan: Plan) -> str:
    """The rendered objects (image pinned, Secret values filled in), traced to their source lines."""
    from infractl.manifests.command import collect

    settings = plan.settings
    plan.findings += collect([], [], [], settings.kube_version, settings.lint_selection,
                             rendered=(settings.manifests, plan.objects)).findings
    return _judge(plan)


def check_compose(plan: Plan) -> str:
    from infractl.manifests.command import collect

    settings = plan.settings
    plan.findings += collect([], [settings.compose_file], [], settings.kube_version, settings.lint_selection).findings
    return _judge(plan)


def _judge(plan: Plan) -> str:
    errors = [f for f in plan.findings if f.severity == Severity.ERROR]
    warnings = [f for f in plan.findings if f.severity == Severity.WARNING]
    if errors:
        raise StepFailed(f"{len(errors)} error finding(s) stop the deploy",
                         [f"{f.path}:{f.line or '-'} {f.rule} {f.message}" for f in errors])
    return f"clean ({len(warnings)} warnings)" if warnings else "clean"
