"""``infractl wiremock verify``: after a test run, every request WireMock could not match, with its nearest stub."""

from __future__ import annotations

from pathlib import Path

from infractl.config import load_config
from infractl.errors import EXIT_FINDINGS, EXIT_OK, InfractlError
from infractl.findings import Finding
from infractl.render import Report, print_report
from infractl.wiremock.server import state
from infractl.wiremock.server.admin import Admin
from infractl.wiremock.server.rules import UNMATCHED_REQUEST
from infractl.wiremock.settings import settings

COMMAND = "wiremock verify"


def _key(request: dict) -> tuple:
    return request.get("loggedDate"), request.get("method"), request.get("url")


def unmatched_findings(admin: Admin) -> list[Finding]:
    nearest: dict[tuple, tuple[float, str]] = {}
    for miss in admin.near_misses():
        key = _key(miss.get("request", {}))
        stub = miss.get("stubMapping") or {}
        distance = float((miss.get("matchResult") or {}).get("distance", 1.0))
        label = stub.get("name") or stub.get("id") or "a stub"
        if key not in nearest or distance < nearest[key][0]:
            nearest[key] = (distance, label)
    findings = []
    for request in admin.unmatched():
        where = f"{request.get('method', '?')} {request.get('url', '?')}"
        near = nearest.get(_key(request))
        message = "no stub matched this request"
        message += f"; nearest stub: {near[1]!r} (distance {near[0]:.3f})" if near else "; no stub came close"
        # a request, not a file: a logical location, so GitHub and SARIF claim no file for it
        findings.append(UNMATCHED_REQUEST.finding(where, None, None, message,
                                                  "add a stub for it, or fix the request or the nearest stub",
                                                  logical_name=where, logical_kind="request"))
    return findings


def run_verify(name: str | None, fmt: str, config_path: Path | None) -> int:
    chosen = settings(load_config(explicit=config_path), name=name)
    instance = state.load(chosen.name)
    if instance is None:
        raise InfractlError(f"{chosen.name}: not running (infractl wiremock up first)")
    admin = Admin(instance.url)
    findings = unmatched_findings(admin)
    report = Report(command=COMMAND, findings=findings,
                    summary={"unmatched_requests": len(findings)},
                    headline=f"{instance.name} on {instance.url}: {len(findings)} unmatched requests",
                    extra={"url": instance.url, "dir": instance.dir})
    print_report(report, fmt)
    return EXIT_FINDINGS if findings else EXIT_OK
