"""Check: the Dockerfile before it is built, then the manifests rules over what will run: the rendered
objects (manifests/command.py's collect, as `manifests lint` and `check` run it) or the compose project as
rendered; the project's select/ignore and `# noqa` count here as there; errors stop the deploy."""

from __future__ import annotations

from pathlib import Path

from infractl.deploy.plan import Plan, StepFailed
from infractl.findings import Severity


def check_dockerfile(plan: Plan) -> None:
    """The DOCKER rules over the Dockerfile the build step is about to build (its build args and target as
    the build uses them; ``# noqa`` honoured). Errors stop the deploy before anything is built; the
    findings stay in the report."""
    from infractl.manifests.checks.dockerfile import lint_dockerfile
    from infractl.manifests.checks.noqa import noqa_lines
    from infractl.manifests.kustomize.sourcemap import display_path
    from infractl.rulebook.selection import keep_wanted

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


def check_compose(plan: Plan, target) -> str:
    """The compose rules over the project as ``up`` will run it (``docker compose config`` of every compose
    file plus the pin override), so a service the deploy pins by image ID is judged by that ID; each
    finding points at the compose file, and line, that sets what it names."""
    from infractl.manifests.checks.compose import compose_hits
    from infractl.manifests.checks.rules import RULE
    from infractl.manifests.compose_files import environment_by_name, source_of
    from infractl.manifests.kustomize.sourcemap import display_path
    from infractl.rulebook.selection import keep_wanted

    sources = _compose_sources(plan.settings.compose_files)
    found = []
    for keys, rule, message, fix in compose_hits(environment_by_name(target.rendered(plan))):
        path, line = source_of(keys, sources)
        found.append(RULE[rule].finding(display_path(path, Path.cwd()), line, None, message, fix))
    plan.findings += keep_wanted(found, plan.settings.lint_selection)
    return _judge(plan)


def _compose_sources(paths) -> list[tuple[Path, object]]:
    """Each compose file with its first document (with line numbers); one compose could read, so one that
    fails here only loses its lines."""
    from infractl.load import LoadError
    from infractl.load.yamldocs import load_file_documents

    sources = []
    for path in paths:
        try:
            documents = load_file_documents(path)
        except LoadError:
            documents = []
        sources.append((path, documents[0] if documents else None))
    return sources


def _judge(plan: Plan) -> str:
    errors = [f for f in plan.findings if f.severity == Severity.ERROR]
    warnings = [f for f in plan.findings if f.severity == Severity.WARNING]
    if errors:
        raise StepFailed(f"{len(errors)} error finding(s) stop the deploy",
                         [f"{f.path}:{f.line or '-'} {f.rule} {f.message}" for f in errors])
    return f"clean ({len(warnings)} warnings)" if warnings else "clean"
