"""infractl's own GitHub Actions rules: the pitfalls that silently turn checks off.

Each function takes one parsed workflow (``load.yamldocs`` structures, so every key knows its line) and
yields findings. What actionlint already checks (syntax, expressions, untrusted input) is not
repeated here; see ``rules.py`` for what each rule covers that actionlint and zizmor do not.
"""

from __future__ import annotations

import re
from collections import namedtuple
from collections.abc import Iterator

from infractl.findings import Finding
from infractl.lint_ci.rules import RULE
from infractl.load.yamldocs import PosDict, PosList, SourceFloat

# Commands whose exit status is the point of the step: tests, linters, type checkers, migrations checks.
TEST_COMMAND = re.compile(
    r"(?<![\w-])(pytest|py\.test|tox|nox|python[0-9.]*\s+-m\s+(pytest|unittest|mypy|ruff|tox|nox)|"
    r"make\s+(test|check|lint|e2e)\w*|npm\s+(run\s+)?test|yarn\s+test|pnpm\s+test|go\s+test|cargo\s+test|"
    r"ruff|mypy|flake8|pylint|black\s+--check|alembic\s+check|infractl|coverage\s+run|playwright\s+test|"
    r"behave|ctest|promtool\s+check|actionlint|hadolint|shellcheck)(?![\w-])"
)
NEUTRALISED = re.compile(r"\|\|\s*(true|:|exit\s+0|echo\b[^|;&]*)\s*(;|$)|;\s*(true|exit\s+0)\s*$")
STATUS_CHECK = re.compile(r"\$\?|PIPESTATUS|\bset\s+-e\b|\bset\s+-o\s+errexit\b|\|\|\s*exit\s+[1-9]")
SHELL_COMMENT = re.compile(r"(?:^|(?<=\s))#.*$")
PIPE = re.compile(r"(?<![|])\|(?![|])")
PIPEFAIL = re.compile(r"set\s+-[a-z]*o\s+pipefail|set\s+-o\s+pipefail|\bpipefail\b")
SERVICE_MOUNT = re.compile(r"(?:^|\s)(?:-v|--volume|--mount)[\s=]")


class Step(namedtuple("Step", "job index data line")):
    """A job's step: the job's name, the step's index, its mapping (a PosDict) and its line. A named
    tuple, as ``Finding`` (findings.py says why)."""

    __slots__ = ()


def _finding(path: str, line: int | None, rule: str, message: str, fix: str) -> Finding:
    return RULE[rule].finding(path, line, None, message, fix)


def jobs_of(workflow) -> dict:
    jobs = workflow.get("jobs") if isinstance(workflow, dict) else None
    return jobs if isinstance(jobs, dict) else {}


def steps_of(name: str, job) -> list[Step]:
    steps = job.get("steps") if isinstance(job, dict) else None
    if not isinstance(steps, PosList):
        return []
    return [Step(name, i, step, steps.item_lines[i]) for i, step in enumerate(steps) if isinstance(step, PosDict)]


def run_lines(step: Step) -> list[tuple[int, str]]:
    """The ``run:`` script's lines with their line numbers in the workflow file."""
    script = step.data.get("run")
    if not isinstance(script, str):
        return []
    first = step.data.value_lines["run"] + (1 if "run" in step.data.block_scalars else 0)
    return [(first + offset, text) for offset, text in enumerate(script.splitlines())]


def code_of(line: str) -> str:
    """A script line without its shell comment (``#`` that starts a word): ``# shellcheck disable=SC2086``
    runs no shellcheck, and ``curl ... # see pytest docs`` no pytest."""
    return SHELL_COMMENT.sub("", line)


def runs_tests(step: Step) -> bool:
    return any(TEST_COMMAND.search(code_of(text)) for _, text in run_lines(step))


def _is_true(value) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def neutralised_commands(path: str, workflow) -> Iterator[Finding]:
    """CI001: a test command whose failure cannot fail the step."""
    for name, job in jobs_of(workflow).items():
        for step in steps_of(name, job):
            lines = run_lines(step)
            for number, text in lines:
                command = code_of(text)
                if TEST_COMMAND.search(command) and NEUTRALISED.search(command):
                    yield _finding(path, number, "CI001",
                                   f"job '{name}': '{command.strip()}' can never fail the step",
                                   "remove the '|| true' (or '; true', '|| exit 0'); mark known failures in the "
                                   "test suite instead")
            yield from _set_plus_e(path, name, lines)
            yield from _exit_zero_last(path, name, lines)


def _set_plus_e(path: str, job: str, lines: list[tuple[int, str]]) -> Iterator[Finding]:
    for i, (number, text) in enumerate(lines):
        if re.search(r"\bset\s+\+e\b", text):
            rest = lines[i + 1:]
            tests = [t for _, t in rest if TEST_COMMAND.search(code_of(t))]
            if tests and not any(STATUS_CHECK.search(t) for _, t in rest):
                yield _finding(path, number, "CI001",
                               f"job '{job}': 'set +e' before '{tests[0].strip()}' with no later status check",
                               "drop 'set +e', or save and check the status: 'pytest; status=$?; ...; exit $status'")


def _exit_zero_last(path: str, job: str, lines: list[tuple[int, str]]) -> Iterator[Finding]:
    code = [(n, t.strip()) for n, t in lines if t.strip() and not t.strip().startswith("#")]
    if len(code) >= 2 and re.fullmatch(r"exit\s+0", code[-1][1]) and any(TEST_COMMAND.search(t) for _, t in code):
        yield _finding(path, code[-1][0], "CI001",
                       f"job '{job}': the script ends in 'exit 0' after a test command",
                       "remove the final 'exit 0'")


def continue_on_error(path: str, workflow) -> Iterator[Finding]:
    """CI002: continue-on-error on a job or step that runs tests."""
    for name, job in jobs_of(workflow).items():
        steps = steps_of(name, job)
        if isinstance(job, PosDict) and _is_true(job.get("continue-on-error")) and any(map(runs_tests, steps)):
            yield _finding(path, job.key_lines["continue-on-error"], "CI002",
                           f"job '{name}' runs tests with continue-on-error: true: a failure shows green",
                           "remove continue-on-error, or move the optional part into a job of its own")
        for step in steps:
            if _is_true(step.data.get("continue-on-error")) and runs_tests(step):
                yield _finding(path, step.data.key_lines["continue-on-error"], "CI002",
                               f"job '{name}': a test step has continue-on-error: true: a failure shows green",
                               "remove continue-on-error from the test step")


def service_mounts(path: str, workflow) -> Iterator[Finding]:
    """CI003: a service container that needs files from the checkout (services start before it)."""
    for name, job in jobs_of(workflow).items():
        services = job.get("services") if isinstance(job, dict) else None
        if not isinstance(services, PosDict):
            continue
        for service, spec in services.items():
            if not isinstance(spec, PosDict):
                continue
            if isinstance(spec.get("volumes"), list) and spec["volumes"]:
                yield _finding(path, spec.key_lines["volumes"], "CI003",
                               f"job '{name}': service '{service}' mounts volumes; service containers start "
                               "before actions/checkout, so files from the repository are not there",
                               "start the container in a step after checkout (docker run -v ...), or bake the "
                               "files into an image")
            options = spec.get("options")
            if isinstance(options, str) and SERVICE_MOUNT.search(options):
                yield _finding(path, spec.key_lines["options"], "CI003",
                               f"job '{name}': service '{service}' mounts files through options; they are "
                               "not checked out yet when the service starts",
                               "start the container in a step after checkout instead")


def needed_jobs_that_cannot_fail(path: str, workflow) -> Iterator[Finding]:
    """CI004: other jobs wait for this one, but it passes whatever happens."""
    jobs = jobs_of(workflow)
    needed: set[str] = set()
    for job in jobs.values():
        needs = job.get("needs") if isinstance(job, dict) else None
        needed.update([needs] if isinstance(needs, str) else [n for n in needs or [] if isinstance(n, str)])
    for name in sorted(needed):
        job = jobs.get(name)
        if not isinstance(job, PosDict):
            continue
        steps = steps_of(name, job)
        if _is_true(job.get("continue-on-error")) or (steps and all(_cannot_fail(step) for step in steps)):
            yield _finding(path, jobs.key_lines.get(name), "CI004",
                           f"job '{name}' gates other jobs (needs:) but can never fail",
                           "let its checks fail the job, or drop it from needs:")


def _cannot_fail(step: Step) -> bool:
    if _is_true(step.data.get("continue-on-error")):
        return True
    lines = [t.split("#", 1)[0] for _, t in run_lines(step) if t.strip()]
    return bool(lines) and all(NEUTRALISED.search(t) or not t.strip() for t in lines)


def unpinned_images(path: str, workflow) -> Iterator[Finding]:
    """CI005: job containers, services and docker:// steps whose image has no tag, or :latest."""
    for name, job in jobs_of(workflow).items():
        if not isinstance(job, PosDict):
            continue
        container = job.get("container")
        if isinstance(container, str):
            yield from _image(path, name, container, job.value_lines["container"])
        elif isinstance(container, PosDict) and isinstance(container.get("image"), str):
            yield from _image(path, name, container["image"], container.value_lines["image"])
        services = job.get("services")
        if isinstance(services, PosDict):
            for spec in services.values():
                if isinstance(spec, PosDict) and isinstance(spec.get("image"), str):
                    yield from _image(path, name, spec["image"], spec.value_lines["image"])
        for step in steps_of(name, job):
            uses = step.data.get("uses")
            if isinstance(uses, str) and uses.startswith("docker://"):
                yield from _image(path, name, uses[len("docker://"):], step.data.value_lines["uses"])


def _image(path: str, job: str, image: str, line: int) -> Iterator[Finding]:
    if "${{" in image or "@sha256:" in image:
        return
    last = image.rsplit("/", 1)[-1]
    tag = last.split(":", 1)[1] if ":" in last else ""
    if not tag or tag == "latest":
        shown = f"'{image}'" + (" (no tag: latest)" if not tag else "")
        yield _finding(path, line, "CI005",
                       f"job '{job}': image {shown} is not pinned: every run may get a different image",
                       "pin a version tag (postgres:15.8) or a digest (@sha256:...)")


def pipes_without_pipefail(path: str, workflow) -> Iterator[Finding]:
    """CI006: 'pytest | tee log' in a shell without pipefail: the pipeline's status is tee's."""
    default_shell = _default_shell(workflow)
    for name, job in jobs_of(workflow).items():
        job_shell = _default_shell(job) or default_shell
        for step in steps_of(name, job):
            shell = step.data.get("shell") if isinstance(step.data.get("shell"), str) else job_shell
            if shell and shell.strip() == "bash":
                continue  # an explicit `shell: bash` runs `bash -eo pipefail {0}`
            lines = run_lines(step)
            if any(PIPEFAIL.search(t) for _, t in lines):
                continue
            for number, text in lines:
                command = code_of(text)
                parts = PIPE.split(command)
                if len(parts) > 1 and any(TEST_COMMAND.search(p) for p in parts[:-1]):
                    yield _finding(path, number, "CI006",
                                   f"job '{name}': '{command.strip()}' pipes a test command without pipefail: "
                                   "the step's status is the last command's",
                                   "add 'set -o pipefail' first, or 'shell: bash' on the step")


def _default_shell(holder) -> str | None:
    defaults = holder.get("defaults") if isinstance(holder, dict) else None
    run = defaults.get("run") if isinstance(defaults, dict) else None
    shell = run.get("shell") if isinstance(run, dict) else None
    return shell if isinstance(shell, str) else None


def float_versions(path: str, workflow) -> Iterator[Finding]:
    """CI008: ``python-version: [3.10]`` is the number 3.1."""
    for name, job in jobs_of(workflow).items():
        strategy = job.get("strategy") if isinstance(job, dict) else None
        matrix = strategy.get("matrix") if isinstance(strategy, dict) else None
        if not isinstance(matrix, PosDict):
            continue
        for key, values in matrix.items():
            if not isinstance(values, PosList):
                continue  # include:/exclude: tables and ${{ }} expressions
            for value, line in zip(values, values.item_lines):
                if isinstance(value, SourceFloat) and value.text.rstrip("0") != value.text:
                    yield _finding(path, line, "CI008",
                                   f"job '{name}': matrix {key} {value.text} is read as the number {value!r}",
                                   f"quote it: '{value.text}'")


CHECKS = (neutralised_commands, continue_on_error, service_mounts, needed_jobs_that_cannot_fail, unpinned_images,
          pipes_without_pipefail, float_versions)
