"""Smoke checks after the rollout: HTTP requests with an expected status, header, JSON path or body."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
import urllib.error
import urllib.request
from typing import Any

from infractl.deploy.plan import Plan, StepFailed
from infractl.deploy.settings import SmokeCheck
from infractl.errors import InfractlError

DEFAULT_SIGNATURE_FORMAT = "t={timestamp},v1={signature}"


def run_smoke(plan: Plan, endpoint, execute=None) -> str:
    """Run every check in order; ``endpoint(service, port)`` gives ``host:port`` for service checks and
    ``execute(service, argv, timeout)`` runs a command in a service's container (exit code, stdout)."""
    failures = []
    plan.smoke = []
    for check in plan.settings.smoke:
        if check.exec:
            outcome = run_exec_check(check, execute)
        else:
            url = check.url or f"http://{endpoint(check.service, check.port)}{check.path}"
            outcome = run_check(check, url, plan.secrets)
        plan.smoke.append(outcome)
        if not outcome["ok"]:
            failures.append(f"{check.name}: {outcome['problem']}")
    if failures:
        raise StepFailed(f"{len(failures)} of {len(plan.settings.smoke)} smoke checks failed", failures)
    return f"{len(plan.settings.smoke)} checks passed" if plan.settings.smoke else "no smoke checks configured"


def run_check(check: SmokeCheck, url: str, secrets: dict[str, str]) -> dict[str, Any]:
    body = check.body_file.read_bytes() if check.body_file else None
    statuses: list[int] = []
    status, headers, data = 0, {}, b""
    for _ in range(check.repeat):
        request_headers = dict(check.headers)
        if body is not None:
            request_headers.setdefault("Content-Type", "application/json")
        if check.hmac:
            request_headers.update(signature_header(check.hmac, body or b"", secrets))
        status, headers, data = send(check.method, url, body, request_headers, check.timeout)
        statuses.append(status)
    outcome = {"name": check.name, "method": check.method, "url": url, "status": status,
               "requests": check.repeat, "ok": True, "problem": ""}
    if check.repeat > 1:
        outcome["statuses"] = {str(code): statuses.count(code) for code in sorted(set(statuses))}
    problem = judge(check, status, headers, data)
    if problem:
        outcome.update(ok=False, problem=problem)
    return outcome


def run_exec_check(check: SmokeCheck, execute) -> dict[str, Any]:
    code, stdout = execute(check.service, list(check.exec), check.timeout)
    outcome = {"name": check.name, "service": check.service, "exec": list(check.exec), "exit_code": code,
               "ok": True, "problem": ""}
    problem = f"exit code {code}" if code != 0 else judge(check, check.status, {}, stdout.encode())
    if problem:
        outcome.update(ok=False, problem=f"{problem}: {stdout.strip()[-300:]}" if code else problem)
    return outcome


def send(method: str, url: str, body: bytes | None, headers: dict[str, str], timeout: float):
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read(1_000_000)
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers or {}), exc.read(1_000_000)
    except (urllib.error.URLError, OSError) as exc:
        return 0, {}, str(getattr(exc, "reason", exc)).encode()


def signature_header(spec: dict[str, str], body: bytes, secrets: dict[str, str]) -> dict[str, str]:
    """HMAC-SHA256 over ``"{timestamp}.{body}"`` with a deploy secret, in the provider's header format."""
    key = spec["secret"]
    if key not in secrets:
        raise InfractlError(f"smoke check signs with secret {key!r}, which is not in the environment's secrets")
    timestamp = int(time.time())
    signature = hmac.new(secrets[key].encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    value = spec.get("format", DEFAULT_SIGNATURE_FORMAT).format(timestamp=timestamp, signature=signature)
    return {spec.get("header", "Signature"): value}


def judge(check: SmokeCheck, status: int, headers: dict[str, str], data: bytes) -> str:
    if status == 0:
        return f"no answer from the service ({data.decode(errors='replace')})"
    if status != check.status:
        return f"HTTP {status}, expected {check.status}"
    if check.header:
        name, _, value = check.header.partition(":")
        found = {k.lower(): v for k, v in headers.items()}.get(name.strip().lower())
        if found is None or (value.strip() and value.strip() not in found):
            return f"header {check.header!r} missing (got {found!r})"
    if check.json_path:
        try:
            actual = json_path(json.loads(data), check.json_path)
        except (ValueError, KeyError, IndexError, TypeError):
            return f"no {check.json_path} in the JSON body"
        if check.json_value is not None and actual != check.json_value:
            return f"{check.json_path} is {actual!r}, expected {check.json_value!r}"
    if check.body_regex and not re.search(check.body_regex, data.decode(errors="replace"), re.MULTILINE):
        return f"body does not match {check.body_regex!r}"
    return ""


def json_path(document: Any, path: str) -> Any:
    """``a.b.0.c`` (a leading ``$.`` is allowed) into nested dicts and lists."""
    for part in path.removeprefix("$").strip(".").split("."):
        document = document[int(part)] if isinstance(document, list) else document[part]
    return document
