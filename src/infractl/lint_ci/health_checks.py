"""CI011: a health check in a workflow step that cannot fail.

``curl http://localhost:8080/health`` exits 0 on an HTTP 500 or 503: without ``-f``/``--fail``/
``--fail-with-body`` only a refused connection fails it, so a service that answers "unhealthy" passes
the step (and ``until curl -s .../ready; do sleep 1; done`` stops waiting at once). wget does exit
non-zero on an error status, so it is flagged only when neutralised (``|| true``), as curl with
``--fail`` is. A curl whose output or status is checked (piped into grep or jq, ``-w '%{http_code}'``
compared) is a real check and is left alone.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator

from infractl.findings import Finding
from infractl.lint_ci.rules import RULE
from infractl.lint_ci.workflow_rules import NEUTRALISED, jobs_of, run_lines, steps_of

HEALTH_URL = re.compile(r"https?://\S*?/\S*?\b(health|healthz|healthcheck|ready|readyz|readiness|live|livez|"
                        r"liveness|ping|status)\b", re.IGNORECASE)
TOOL = re.compile(r"(?<![\w./-])(curl|wget)(?![\w-])")
CHECKED = re.compile(r"http_code|response_code|\|\s*(grep|jq\s+-e|test\b)")


def unfailing_health_checks(path: str, workflow) -> Iterator[Finding]:
    for name, job in jobs_of(workflow).items():
        for step in steps_of(name, job):
            for number, command in _commands(run_lines(step)):
                problem = _cannot_fail(command)
                if problem:
                    yield RULE["CI011"].finding(
                        path, number, None, f"job '{name}': '{command.strip()[:160]}' {problem}",
                        "curl: add --fail (or -f, --fail-with-body); and drop any '|| true'")


def _commands(lines: list[tuple[int, str]]) -> Iterator[tuple[int, str]]:
    """Each shell line with its backslash continuations joined, at the line it starts on, comments cut."""
    start, parts = None, []
    for number, text in lines:
        code = text.split(" #", 1)[0] if not text.lstrip().startswith("#") else ""
        start = number if start is None else start
        if code.rstrip().endswith("\\"):
            parts.append(code.rstrip()[:-1])
            continue
        parts.append(code)
        yield start, " ".join(parts)
        start, parts = None, []
    if parts:
        yield start, " ".join(parts)


def _cannot_fail(command: str) -> str | None:
    """Why the health check in ``command`` cannot fail, or None (no health check, or a real one)."""
    tool = TOOL.search(command)
    if tool is None or not HEALTH_URL.search(command[tool.end():]):
        return None
    if NEUTRALISED.search(command):
        return "checks health but '|| true' makes it pass whatever the service answers"
    if tool.group(1) == "wget" or CHECKED.search(command):
        return None
    if _has_fail_flag(command[tool.end():]):
        return None
    return "exits 0 on an HTTP 500 or 503 (curl without --fail): the health check cannot fail"


def _has_fail_flag(arguments: str) -> bool:
    try:
        words = shlex.split(arguments, comments=False)
    except ValueError:
        words = arguments.split()
    for word in words:
        if word in ("--fail", "--fail-with-body"):
            return True
        if re.fullmatch(r"-[a-zA-Z0-9]*f[a-zA-Z0-9]*", word):
            return True
    return False
