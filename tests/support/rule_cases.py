"""One runner per rule family: run one of a rule's cases (a text: source, YAML, SQL, a WireMock tree as
``infractl rule ID`` renders it) the way that family's command meets it, and return the rule ids found.
tests/core/test_rule_cases.py runs every rule's cases through these; each family's own example tests
use the same runner."""

from __future__ import annotations

import re
import shutil
import textwrap
from pathlib import Path

import pytest

# A service that exports the metrics the monitoring rules' examples use (MON004 needs to know them).
MONITORED_SERVICE = '''from prometheus_client import Counter, Histogram
LIMITED = Counter("webhook_rate_limit_exceeded", "429s", ["path"])
RESPONSES = Counter("webhook_http_responses_total", "responses", ["code"])
LATENCY = Histogram("webhook_request_seconds", "latency")
'''


def fix_datetime_rules(rule_id: str, code: str) -> set[str]:
    from infractl.fix_datetime.workers import fix_source

    mode = "aware" if rule_id.startswith("DT10") and rule_id not in ("DT107",) else "auto"
    path = "tests/test_example.py" if rule_id == "DT107" else "example.py"
    result = fix_source(path, code.encode(), mode, None)
    return {finding.rule for finding in result.findings_before or result.findings}


def verify_db_rules(rule_id: str, example: str, tmp_path: Path) -> set[str]:
    """Through the static reader: a column definition or a statement in a migration's upgrade(); SQL
    (the live rules' DDL) goes through op.execute, which the static reader parses as PostgreSQL would."""
    from infractl.verify_db.rules import RuleSettings
    from infractl.verify_db.static.chain import check_migrations

    if example.startswith("sa.Column"):
        body = f'op.create_table("orders", {example})\n'
    elif example.startswith("op."):
        body = ('op.create_table("orders", sa.Column("created_at", sa.DateTime(timezone=True), '
                f'server_default=sa.func.now(), nullable=False))\n{example}\n')
    else:
        body = f"op.execute({example.format(table='orders')!r})\n"
    versions = tmp_path / "versions"
    versions.mkdir(parents=True)
    (versions / "r1_create.py").write_text(
        "from alembic import op\nimport sqlalchemy as sa\n\nrevision = \"r1\"\ndown_revision = None\n\n\n"
        "def upgrade():\n" + textwrap.indent(body, "    "))
    return {f.rule for f in check_migrations(versions, RuleSettings())[0]}


def lint_ci_rules(workflow: str, tmp_path: Path) -> set[str]:
    from infractl.lint_ci.command import collect

    path = tmp_path / ".github" / "workflows" / "ci.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(workflow)
    return {f.rule for f in collect(tmp_path).findings}


def fix_skips_rules(code: str, tmp_path: Path) -> set[str]:
    from infractl.fix_skips.command import fix_file

    path = tmp_path / "tests" / "test_example.py"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(code)
    return {f.rule for f in fix_file(path, "RUN_SERVICE_TESTS", dry_run=True).findings}


def monitoring_rules(rules_yaml: str, tmp_path: Path, service: str | None = MONITORED_SERVICE) -> set[str]:
    """A rule file (alerts.yml), or a Grafana dashboard when the case is JSON (dashboards/receiver.json)."""
    from infractl.monitoring.lint import collect

    tmp_path.mkdir(parents=True, exist_ok=True)
    name = "dashboards/receiver.json" if rules_yaml.lstrip().startswith("{") else "alerts.yml"
    (tmp_path / name).parent.mkdir(exist_ok=True)
    (tmp_path / name).write_text(rules_yaml)
    if service is not None:
        (tmp_path / "metrics.py").write_text(service)
    return {f.rule for f in collect(tmp_path, {}).findings}


def manifests_findings(rule_id: str, text: str, tmp_path: Path) -> list:
    import yaml

    from infractl.manifests.lint import lint_compose, lint_kustomizations, lint_objects

    if rule_id.startswith("DOCKER"):
        from infractl.manifests.checks.dockerfile import lint_dockerfile

        path = tmp_path / "Dockerfile"
        path.write_text(text, encoding="utf-8")
        return lint_dockerfile(path)
    if rule_id.startswith("COMPOSE"):
        path = tmp_path / "docker-compose.staging.yml"
        path.write_text(text, encoding="utf-8")
        return lint_compose(path)
    if rule_id in ("K8S000", "K8S004"):  # the real kustomize, through the manifests pipeline
        from infractl.manifests.command import collect
        from infractl.rulebook.selection import RuleSelection

        (tmp_path / "kustomization.yaml").write_text(text, encoding="utf-8")
        return collect([tmp_path], [], [], "1.33.0", RuleSelection()).findings
    if rule_id == "K8S003":  # a plain manifest file, loaded from disk
        from infractl.manifests.plain import lint_plain_manifests

        (tmp_path / "manifest.yaml").write_text(text, encoding="utf-8")
        return lint_plain_manifests([tmp_path / "manifest.yaml"], "1.33.0")
    if rule_id == "K8S116":
        from infractl.manifests.kustomize.sourcemap import build_source_map

        (tmp_path / "kustomization.yaml").write_text(text, encoding="utf-8")
        return lint_kustomizations(build_source_map(tmp_path).kustomizations)
    return lint_objects([doc for doc in yaml.safe_load_all(text) if doc], "example.yaml")


def env_file_rules(text: str, tmp_path: Path) -> set[str]:
    """An env-file case as ``.env`` beside a compose file (which reads it), outside a git repository."""
    from infractl.manifests.checks.review.envfiles import collect

    (tmp_path / ".env").write_text(text, encoding="utf-8")
    (tmp_path / "compose.yml").write_text("services:\n  web:\n    image: web:1.2.3\n", encoding="utf-8")
    report = collect(tmp_path, (), [])
    return {f.rule for f in report.findings} if report else set()


def wiremock_rules(rule, case: str) -> set[str]:
    """A WireMock rule's bad and good cases are trees; ``infractl rule ID`` shows them rendered."""
    from infractl.wiremock.mappings.rules import EXAMPLES
    from infractl.wiremock.mappings.validate import collect
    from support.wiremock_real import remove_tree, world_readable_tmpdir, write_tree

    example = EXAMPLES[rule.id]
    tree, modes = (example.bad, example.bad_modes) if case == rule.bad else (example.good, None)
    assert case in (rule.bad, rule.good), f"{rule.id}: a WireMock case must be its bad or good tree"
    base = world_readable_tmpdir()
    try:
        write_tree(base / "wm", tree, modes)
        return {f.rule for f in collect(base / "wm").findings}
    finally:
        remove_tree(base)


def rules_found(rule, case: str, tmp_path: Path) -> set[str]:
    """The ids the family of ``rule`` reports on ``case``."""
    if rule.command == "fix-datetime":
        return fix_datetime_rules(rule.id, case)
    if rule.command == "verify-db":
        return verify_db_rules(rule.id, case, tmp_path)
    if rule.command == "lint-ci":
        return lint_ci_rules(case, tmp_path)
    if rule.command == "fix-skips":
        return fix_skips_rules(case, tmp_path)
    if rule.id.startswith("MON"):
        if rule.id == "MON001" and shutil.which("promtool") is None:
            pytest.skip("promtool is not installed")
        return monitoring_rules(case, tmp_path)
    if rule.id.startswith("ENV"):
        return env_file_rules(case, tmp_path)
    if rule.command == "manifests lint":
        return {f.rule for f in manifests_findings(rule.id, case, tmp_path)}
    if rule.command == "wiremock validate":
        return wiremock_rules(rule, case)
    raise AssertionError(f"{rule.id}: no runner for {rule.command!r} (add one in tests/support/rule_cases.py)")


# --- fix cases: (before, after) pairs, run through the fix engine as --fix runs them -------------------------

def fix_case_target(rule, before: str, tmp_path: Path):
    """Write ``before`` where the rule's family meets it: (target, recheck(target) -> findings,
    read(target) -> the case's text as it is now, in the form the rule's ``after`` is written in)."""
    def text_of(path: Path) -> str:
        return path.read_bytes().decode("utf-8")  # newlines as they are on disk

    if rule.command == "lint-ci":
        from infractl.lint_ci.command import collect

        # CI007's cases are test files (an unconditional skip), the others workflows
        path = tmp_path / ("tests/test_example.py" if rule.id == "CI007" else ".github/workflows/ci.yml")
        path.parent.mkdir(parents=True)
        path.write_bytes(before.encode())
        return tmp_path, lambda root: collect(root).findings, lambda root: text_of(path)
    if rule.command == "verify-db":  # a whole-tree fixer: the fixing revision, a new file beside the case's
        from infractl.config import Config
        from infractl.verify_db.area import collect as migrations_area

        versions = tmp_path / "migrations" / "versions"
        versions.mkdir(parents=True)
        (versions / "r1_create.py").write_bytes(before.encode())

        def added(root: Path) -> str:  # the new revision; its Create Date is the clock's, so said as <when>
            new = [p for p in sorted((root / "migrations" / "versions").glob("*.py")) if p.name != "r1_create.py"]
            return "".join(re.sub(r"Create Date: .*", "Create Date: <when>", text_of(p)) for p in new) or \
                text_of(root / "migrations" / "versions" / "r1_create.py")
        return tmp_path, lambda root: migrations_area(root, Config(), None).findings, added
    if rule.command == "fix-datetime":  # a whole-tree fixer: fix-datetime's own rewrite
        from infractl.config import Config
        from infractl.fix_datetime.area import collect as datetime_area

        path = tmp_path / "app.py"
        path.write_bytes(before.encode())
        return tmp_path, lambda root: datetime_area(root, Config(), None).findings, lambda root: text_of(path)
    if rule.id.startswith("MON"):
        from infractl.monitoring.lint import collect

        path = tmp_path / "dashboards" / "receiver.json"
        path.parent.mkdir(parents=True)
        path.write_bytes(before.encode())
        (tmp_path / "metrics.py").write_text(MONITORED_SERVICE)
        return tmp_path, lambda root: collect(root, {}).findings, lambda root: text_of(path)
    if rule.command == "wiremock validate":
        from infractl.wiremock.mappings.rules import parse_tree, render_tree
        from infractl.wiremock.mappings.validate import collect
        from support.wiremock_real import write_tree

        tree, modes = parse_tree(before)
        root = write_tree(tmp_path / "wm", tree, modes)
        return root, lambda wm: collect(wm).findings, lambda wm: render_tree(*_tree_on_disk(wm, tree))
    if rule.command == "manifests lint" and rule.id.startswith(("DOCKER", "COMPOSE")):
        path = tmp_path / ("Dockerfile" if rule.id.startswith("DOCKER") else "docker-compose.staging.yml")
        path.write_bytes(before.encode())
        return path, lambda file: _manifest_findings(rule.id, file), text_of
    if rule.command == "manifests lint":  # through the real kustomize: findings carry the source lines
        from infractl.manifests.command import collect
        from infractl.rulebook.selection import RuleSelection

        path = tmp_path / "example.yaml"
        path.write_bytes(before.encode())
        (tmp_path / "kustomization.yaml").write_text("resources: [example.yaml]\n")
        return tmp_path, lambda root: collect([root], [], [], "1.33.0", RuleSelection()).findings, \
            lambda root: text_of(path)
    raise AssertionError(f"{rule.id}: no fix-case runner for {rule.command!r} (add one in tests/support/rule_cases.py)")


def _manifest_findings(rule_id: str, file: Path) -> list:
    from infractl.manifests.lint import lint_compose

    if rule_id.startswith("DOCKER"):
        from infractl.manifests.checks.dockerfile import lint_dockerfile

        return lint_dockerfile(file)
    return lint_compose(file)


def _tree_on_disk(root: Path, tree: dict[str, str]) -> tuple[dict[str, str], dict[str, int]]:
    """The tree's files as they are now, and every mode that is not write_tree's default (644, dirs 755)."""
    import os
    import stat

    files = {rel: (root / rel).read_bytes().decode() for rel in tree}
    modes = {}
    for item in sorted(root.rglob("*")):
        mode = stat.S_IMODE(os.lstat(item).st_mode)
        if mode != (0o755 if item.is_dir() else 0o644):
            modes[str(item.relative_to(root))] = mode
    return files, modes
