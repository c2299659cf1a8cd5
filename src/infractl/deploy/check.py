"""Check: the manifests linter over the rendered objects (or the compose file); errors stop the deploy."""

from __future__ import annotations

from infractl.deploy.plan import Plan, StepFailed
from infractl.findings import Severity


def check_manifests(plan: Plan) -> str:
    from infractl.manifests.lint import lint_objects

    plan.findings = list(lint_objects(plan.objects, str(plan.settings.manifests),
                                      kube_version=plan.settings.kube_version, secrets_filled=True))
    return _judge(plan)


def check_compose(plan: Plan) -> str:
    from infractl.manifests.lint import lint_compose

    plan.findings = list(lint_compose(plan.settings.compose_file))
    return _judge(plan)


def _judge(plan: Plan) -> str:
    errors = [f for f in plan.findings if f.severity == Severity.ERROR]
    warnings = [f for f in plan.findings if f.severity == Severity.WARNING]
    if errors:
        raise StepFailed(f"{len(errors)} error finding(s) stop the deploy",
                         [f"{f.path}:{f.line or '-'} {f.rule} {f.message}" for f in errors])
    return f"clean ({len(warnings)} warnings)" if warnings else "clean"
