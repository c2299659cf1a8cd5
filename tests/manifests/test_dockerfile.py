"""The Dockerfile linter (DOCKER001-DOCKER005): the example's two Dockerfiles, the parser's corners,
# noqa, `manifests lint DIR`, the check area and the deploy's refusal to build."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from infractl import cli
from infractl.manifests.checks.dockerfile import dockerfile_hits, lint_dockerfile, parse
from infractl.manifests.checks.noqa import noqa_lines
from infractl.rulebook.selection import RuleSelection, keep_wanted

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "webhook-receiver"
runner = CliRunner()


def hits(text: str, **kwargs) -> list[tuple[int, str]]:
    return sorted((line, rule) for line, rule, _, _ in dockerfile_hits(text, **kwargs))


def invoke(args: list[str], cwd: Path):
    old = Path.cwd()
    os.chdir(cwd)
    try:
        return runner.invoke(cli.app, args)
    finally:
        os.chdir(old)


def test_the_deliberately_bad_example_gives_exactly_its_findings():
    findings = lint_dockerfile(EXAMPLE / "Dockerfile", "Dockerfile")
    assert [(f.line, f.rule, f.severity.value) for f in findings] == [
        (1, "DOCKER002", "warning"),   # no USER anywhere: runs as root
        (1, "DOCKER006", "warning"),   # python:3.10 floats with every 3.10.x
        (8, "DOCKER004", "warning"),   # ADD https://... without --checksum
        (13, "DOCKER003", "error"),    # DATABASE_URL with a literal password
        (14, "DOCKER003", "error"),    # WEBHOOK_SECRET literal
        (17, "DOCKER005", "warning"),  # shell-form CMD
    ]
    text = "\n".join(f.message + f.fix for f in findings)
    assert "webhooks-dev-pw" not in text and "whsec_dev_only" not in text
    assert "postgresql+psycopg://webhooks:***@db:5432/webhooks" in text
    # python:3.10 is a tag: DOCKER001 does not fire on it
    assert "DOCKER001" not in {f.rule for f in findings}


def test_the_staging_dockerfile_is_clean():
    assert lint_dockerfile(EXAMPLE / "Dockerfile.staging") == []


def test_continuations_comments_heredocs_and_the_escape_directive():
    text = (
        "# escape=`\n"
        "FROM python:3.12.7-slim\n"
        "RUN echo one `\n"
        "# a comment inside the continuation is dropped\n"
        "\n"
        "    && echo two\n"
        "RUN <<EOF\n"
        "USER root\n"          # heredoc body: data, not an instruction
        "CMD not an instruction\n"
        "EOF\n"
        "USER 10001\n"
        "ENV TOKEN=abc `\n"
        "    OTHER=1\n"
        'CMD ["app"]\n'
    )
    instructions, stages = parse(text)
    assert [(i.keyword, i.line) for i in instructions] == [
        ("FROM", 2), ("RUN", 3), ("RUN", 7), ("USER", 11), ("ENV", 12), ("CMD", 14)]
    assert instructions[1].args == "echo one && echo two"
    assert len(stages) == 1 and stages[0].base == "python:3.12.7-slim"
    assert hits(text) == [(12, "DOCKER003")]


def test_arg_defaults_build_args_and_stage_names():
    text = ("ARG BASE=python\nARG TAG\nFROM ${BASE} AS build\nFROM build AS test\n"
            "FROM scratch\nFROM registry.local:5000/app\nFROM app:${TAG}\nUSER 1\n")
    assert hits(text) == [(3, "DOCKER001"), (6, "DOCKER001")]  # TAG has no default: not judged
    assert hits(text, build_args={"BASE": "python:3.12.7"}) == [(6, "DOCKER001")]
    assert hits("ARG V=3.12.7\nFROM python:${V:-3.11.9}-slim\nUSER 1\n") == []
    assert hits("FROM python:latest@sha256:" + "0" * 64 + "\nUSER 1\n") == []
    assert hits("FROM --platform=$BUILDPLATFORM python:latest AS x\nUSER 1\n") == [(1, "DOCKER001")]


def test_only_the_final_stage_needs_a_user_and_inherits_it():
    builder = "FROM python:3.12.7 AS base\nUSER 10001\n"
    assert hits(builder + "FROM python:3.12.7\nCMD [\"app\"]\n") == [(3, "DOCKER002")]
    assert hits(builder + "FROM base\n") == []  # FROM an earlier stage keeps its USER
    assert hits("FROM python:3.12.7\nUSER app\nUSER root:root\n") == [(3, "DOCKER002")]
    assert hits("FROM python:3.12.7\nARG U=0\nUSER $U\n") == [(3, "DOCKER002")]
    assert hits("FROM python:3.12.7\nARG U\nUSER $U\n") == []  # only --build-arg knows
    assert hits("FROM python:3.12.7 AS app\nUSER 1\nFROM python:3.12.7 AS debug\n", target="app") == []
    assert hits("FROM gcr.io/distroless/python3-debian12:nonroot\n") == []


def test_secret_names_and_values():
    def rules(line: str) -> list[str]:
        return [rule for _, rule in hits(f"FROM python:3.12.7\nUSER 1\n{line}\n")]

    for flagged in ("ENV DB_PASSWORD=x", "ARG GITHUB_TOKEN=ghp_x", "ENV AWS_SECRET_ACCESS_KEY wJal rXU",
                    "ENV STRIPE_API_KEY=sk_live", "ENV A=1 SECRET_KEY='two words'",
                    "ENV URL=https://u:p4ss@example.org/x", "ARG INDEX=https://me:tok@pypi.example/simple"):
        assert rules(flagged) == ["DOCKER003"], flagged
    assert hits("ARG GITHUB_TOKEN OTHER\nFROM\tpython:3.12.7\nUSER 1\n") == []  # two ARGs, no values; a tab
    for clean in ("ENV GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D", "ENV TOKENIZERS_PARALLELISM=false",
                  "ENV POSTGRES_PASSWORD_FILE=/run/secrets/pw", "ARG DB_PASSWORD", "ENV API_TOKEN=${API_TOKEN}",
                  "ENV URL=https://u:${PW}@example.org", "ENV URL=https://example.org/x", "ENV PASSWORD="):
        assert rules(clean) == [], clean
    finding = lint_dockerfile_text("FROM python:3.12.7\nUSER 1\nENV WEBHOOK_SECRET=hunter2-very-secret\n")
    assert "hunter2" not in finding[0].message + finding[0].fix


def test_a_published_credential_in_any_instruction_is_a_literal_secret():
    token = "ghp_" + "a1B2" * 9  # a GitHub token's shape
    for line in (f'RUN curl -fsSL -H "Authorization: token {token}" https://api.github.com/repos/x/y',
                 f"RUN git clone https://x-access-token:{token}@github.com/o/r.git",
                 f'LABEL deploy.token="{token}"', f'CMD ["app", "--token", "{token}"]'):
        found = lint_dockerfile_text(f"FROM python:3.12.7\nUSER 1\n{line}\n")
        assert [(f.line, f.rule) for f in found] == [(3, "DOCKER003")], line
        assert token not in found[0].message + found[0].fix and "a GitHub token" in found[0].message
    for clean in ("RUN echo ghp_short", "RUN curl -H \"Authorization: token $GITHUB_TOKEN\" https://x",
                  "RUN --mount=type=secret,id=gh GH_TOKEN=$(cat /run/secrets/gh) make"):
        assert lint_dockerfile_text(f"FROM python:3.12.7\nUSER 1\n{clean}\n") == [], clean


def lint_dockerfile_text(text: str, tmp: Path | None = None):
    import tempfile

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "Dockerfile"
        path.write_text(text, encoding="utf-8")
        return lint_dockerfile(path)


def test_add_and_cmd_forms():
    base = "FROM python:3.12.7\nUSER 1\n"
    assert hits(base + "ADD https://example.org/a.tgz /opt/\n") == [(3, "DOCKER004")]
    assert hits(base + 'ADD ["https://example.org/a.tgz", "/opt/"]\n') == [(3, "DOCKER004")]
    assert hits(base + "ADD --checksum=sha256:abc https://example.org/a.tgz /opt/\n") == []
    assert hits(base + "ADD vendor.tgz /opt/\n") == []
    assert hits(base + "CMD gunicorn app\n") == [(3, "DOCKER005")]
    assert hits(base + "ENTRYPOINT /entry.sh\nCMD [\"x\"]\n") == [(3, "DOCKER005")]
    assert hits(base + "CMD exec gunicorn app\n") == []
    assert hits(base + "CMD gunicorn app\nCMD [\"gunicorn\", \"app\"]\n") == []  # only the last counts
    assert hits("FROM python:3.12.7 AS build\nCMD make\nFROM python:3.12.7\nUSER 1\n") == []  # not the final stage


def test_noqa_on_the_first_line_or_a_comment_line_above(tmp_path):
    path = tmp_path / "Dockerfile"
    path.write_text("FROM python:3.12.7\n"
                    "# noqa: DOCKER004 (the vendor publishes no checksum)\n"
                    "ADD https://example.org/a.tgz /opt/\n"
                    "RUN echo \\\n"
                    "  x\n"
                    "CMD gunicorn app # noqa: DOCKER005\n"
                    "ENV TOKEN=abc\n", encoding="utf-8")
    found = lint_dockerfile(path, str(path))
    assert {f.rule for f in found} == {"DOCKER002", "DOCKER003", "DOCKER004", "DOCKER005"}
    kept = keep_wanted(found, RuleSelection(), noqa_lines)
    assert {f.rule for f in kept} == {"DOCKER002", "DOCKER003"}
    assert noqa_lines(str(tmp_path / "missing")) is None


def test_manifests_lint_a_directory_with_dockerfiles(tmp_path):
    (tmp_path / "Dockerfile.staging").write_text((EXAMPLE / "Dockerfile.staging").read_text())
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "api.Dockerfile").write_text("FROM python\nUSER 1\n")
    (tmp_path / "Dockerfile.dockerignore").write_text("*\n")
    result = invoke(["manifests", "lint", ".", "--json"], tmp_path)
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert [(f["path"], f["line"], f["rule"]) for f in report["findings"]] == [
        ("svc/api.Dockerfile", 1, "DOCKER001")]
    assert report["summary"]["dockerfiles"] == 2
    clean = tmp_path / "clean"
    clean.mkdir()
    (clean / "Dockerfile").write_text((EXAMPLE / "Dockerfile.staging").read_text())
    result = invoke(["manifests", "lint", "clean"], tmp_path)
    assert result.exit_code == 0, result.output
    assert "1 Dockerfile checked" in result.output


def test_configured_dockerfiles_and_excludes(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.infractl.manifests]\ndirs = ["deploy"]\ndockerfiles = ["images/web"]\n'
        'exclude = ["deploy/fixtures/**"]\n')
    (tmp_path / "deploy" / "fixtures").mkdir(parents=True)
    (tmp_path / "deploy" / "Dockerfile").write_text("FROM python:3.12.7\nUSER 1\n")
    (tmp_path / "deploy" / "fixtures" / "Dockerfile").write_text("FROM python\n")
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "web").write_text("FROM python:3.12.7\nUSER 1\nCMD app\n")
    result = invoke(["manifests", "lint", "--json"], tmp_path)
    report = json.loads(result.stdout)
    assert [(f["path"], f["rule"]) for f in report["findings"]] == [("images/web", "DOCKER005")]
    assert result.exit_code == 0  # a warning alone
    (tmp_path / "pyproject.toml").write_text('[tool.infractl.manifests]\ndockerfiles = ["nope"]\n')
    assert invoke(["manifests", "lint"], tmp_path).exit_code == 2


def test_the_check_area_finds_dockerfiles_but_not_excluded_fixtures(tmp_path):
    from infractl.check.areas import declared
    from infractl.config import load_config
    from infractl.discover.scanner import Scanner

    (tmp_path / "pyproject.toml").write_text('[tool.infractl.manifests]\nexclude = ["tests/fixtures/**"]\n')
    for name in ("Dockerfile", "Dockerfile.web", "api.Dockerfile", "tests/fixtures/Dockerfile", "docs/readme.md"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("FROM python\nUSER 1\n")
    old = Path.cwd()
    os.chdir(tmp_path)
    try:
        result = declared("manifests").collect(tmp_path, load_config(start=tmp_path), Scanner())
    finally:
        os.chdir(old)
    assert sorted((f.path, f.rule) for f in result.findings) == [
        ("Dockerfile", "DOCKER001"), ("Dockerfile.web", "DOCKER001"), ("api.Dockerfile", "DOCKER001")]
    assert result.headline.endswith("3 Dockerfiles")


def test_check_on_the_example_reports_its_dockerfile(tmp_path):
    result = invoke(["check", "examples/webhook-receiver", "--select", "DOCKER", "--json"], ROOT)
    report = json.loads(result.stdout)
    found = sorted((f["path"], f["line"], f["rule"]) for f in report["findings"])
    bad = "examples/webhook-receiver/Dockerfile"
    assert found == [(bad, 1, "DOCKER002"), (bad, 1, "DOCKER006"), (bad, 8, "DOCKER004"), (bad, 13, "DOCKER003"),
                     (bad, 14, "DOCKER003"), (bad, 17, "DOCKER005")]
    assert result.exit_code == 1


# --- deploy: the check refuses to build a Dockerfile with an error finding (no Docker needed) ---

def _plan(context: Path, dockerfile: str, args: dict | None = None):
    from infractl.deploy.plan import DeployOptions, Plan
    from infractl.deploy.settings import BuildSettings, DeploySettings

    settings = DeploySettings(env="staging", kind="compose", root=context, image="webhook-receiver",
                              build=BuildSettings(context=context, dockerfile=dockerfile, args=args or {}),
                              secrets=(), smoke=())
    return Plan(settings=settings, options=DeployOptions())


def test_deploy_refuses_to_build_a_dockerfile_with_errors(monkeypatch):
    from infractl.deploy import build
    from infractl.deploy.plan import StepFailed

    def no_docker():
        raise AssertionError("the build must not start")

    monkeypatch.setattr(build, "docker_client", no_docker)
    plan = _plan(EXAMPLE, "Dockerfile")
    with pytest.raises(StepFailed) as failed:
        build.build_image(plan)
    assert "2 error finding(s)" in str(failed.value) and "before the build" in str(failed.value)
    assert [d.split(" ")[1] for d in failed.value.details] == ["DOCKER003", "DOCKER003"]
    assert all("webhooks-dev-pw" not in d and "whsec_dev_only" not in d for d in failed.value.details)
    assert {f.rule for f in plan.findings} == {"DOCKER002", "DOCKER003", "DOCKER004", "DOCKER005", "DOCKER006"}


def test_deploy_check_passes_the_staging_dockerfile_and_keeps_its_findings(tmp_path):
    from infractl.deploy.check import check_compose, check_dockerfile
    from infractl.deploy.plan import StepFailed
    from infractl.deploy.targets.compose import ComposeTarget, find_compose

    plan = _plan(EXAMPLE, "Dockerfile.staging", {"BASE_IMAGE": "infractl-test/debian:bookworm"})
    check_dockerfile(plan)
    assert plan.findings == []
    # a build arg that unpins the base is judged as the build would use it
    plan = _plan(EXAMPLE, "Dockerfile.staging", {"BASE_IMAGE": "python"})
    with pytest.raises(StepFailed):
        check_dockerfile(plan)
    # warnings stay in the report next to the compose findings
    (tmp_path / "Dockerfile").write_text("FROM python:3.12.7\nCMD app\n")
    plan = _plan(tmp_path, "Dockerfile")
    check_dockerfile(plan)
    compose = tmp_path / "docker-compose.staging.yml"
    compose.write_text("services:\n  web:\n    image: web:1.0.3\n    healthcheck: {test: [CMD, 'true']}\n")
    plan = _plan(tmp_path, "Dockerfile")
    object.__setattr__(plan.settings, "compose_files", (compose,))
    target = ComposeTarget()
    target.argv = find_compose()  # the real Compose v2: the check judges the project as rendered
    check_dockerfile(plan)
    assert check_compose(plan, target) == "clean (2 warnings)"
    assert [f.rule for f in plan.findings] == ["DOCKER002", "DOCKER005"]


def test_the_repositorys_own_staging_deploy_dockerfile_passes():
    from infractl.config import load_config
    from infractl.deploy.check import check_dockerfile
    from infractl.deploy.plan import DeployOptions, Plan
    from infractl.deploy.settings import load_settings

    old = Path.cwd()
    os.chdir(ROOT)
    try:
        plan = Plan(settings=load_settings(load_config(explicit=ROOT / "pyproject.toml"), "staging"),
                    options=DeployOptions())
        check_dockerfile(plan)
    finally:
        os.chdir(old)
    assert plan.findings == []


def test_a_gitignore_pattern_git_ignores_does_not_stop_the_walk(tmp_path):
    # black's sdist ships test trees whose .gitignore holds a lone "!" (git skips such a line)
    (tmp_path / ".gitignore").write_text("!\n*.log\n")
    (tmp_path / "Dockerfile").write_text("FROM python:3.12.7\nUSER 1\n")
    (tmp_path / "x.Dockerfile.log").write_text("")
    from infractl.manifests.kustomize.discover import find_dockerfiles

    (tmp_path / ".git").mkdir()
    assert [p.name for p in find_dockerfiles(tmp_path)] == ["Dockerfile"]
