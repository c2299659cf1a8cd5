"""``wiremock verify``'s rule, beside verify.py that makes its findings (light: nothing but rulebook)."""

from __future__ import annotations

from infractl.findings import Severity
from infractl.rulebook import Rule

UNMATCHED_REQUEST = Rule(
    id="WM101", name="unmatched-request", severity=Severity.ERROR, command="wiremock verify",
    summary="a request reached WireMock that no stub matched",
    rationale=("WireMock answers an unmatched request with HTTP 404, which the code under test may treat "
               "as a normal answer: the test passes while talking to nothing. The admin API keeps every "
               "unmatched request and the nearest stub (near misses)."),
    fix="add a stub for the request, or fix the request or the nearest stub",
    bad="POST /api/v2/alert  (stub: POST /api/v2/alerts)",
    good="POST /api/v2/alerts  (stub: POST /api/v2/alerts)", tags=("wiremock", "no-noqa"),
    no_cases="its examples describe a running WireMock's request journal: tests/wiremock/test_lifecycle_java.py "
             "sends it real requests")
RULES = (UNMATCHED_REQUEST,)
