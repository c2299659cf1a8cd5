"""``infractl wiremock validate``: every check over a WireMock root, without a server."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from infractl.findings import Finding, Severity
from infractl.wiremock.checks_files import check_body_file, check_ignored, check_permissions
from infractl.wiremock.checks_stub import check_stub, check_templating, finding, stub_id
from infractl.wiremock.loading import Stub, Tree, discover, load


@dataclass
class Validation:
    tree: Tree
    findings: list[Finding] = field(default_factory=list)
    stubs: int = 0  # how many stubs WireMock will serve (files that load)
    files: int = 0


def validate(root: Path, global_templating: bool = False) -> Validation:
    tree = discover(root)
    result = Validation(tree, files=len(tree.mapping_files))
    out = result.findings
    out.extend(check_permissions(tree))
    out.extend(check_ignored(tree))
    stubs: list[Stub] = []
    for mapping in tree.mapping_files:
        load(mapping)
        if mapping.problem:
            rule, line, column, message = mapping.problem
            out.append(Finding(mapping.shown, line, column, rule, Severity.ERROR, message,
                               _PROBLEM_FIX.get(rule, "")))
            continue
        if mapping.stubs and mapping.stubs[0].json_path:
            out.extend(_check_list_file(mapping.stubs[0]))
        stubs.extend(mapping.stubs)
    for stub in stubs:
        out.extend(check_stub(stub))
        response = stub.data.get("response")
        if isinstance(response, dict):
            body_findings, body_text = check_body_file(tree, stub, response)
            out.extend(body_findings)
            out.extend(check_templating(stub, response, global_templating, body_text))
    out.extend(_duplicate_ids(stubs))
    out.extend(_shadowed_requests(stubs))
    result.stubs = len(stubs)
    return result


_PROBLEM_FIX = {
    "WM001": "fix the JSON at this position (JSON has no comments and no trailing commas)",
    "WM002": "delete the file or put one mapping in it",
    "WM003": 'wrap the list: {"mappings": [...]}',
    "WM005": "make 'mappings' an array of mapping objects",
    "WM012": "chmod o+r the file",
}


def _check_list_file(first: Stub) -> list[Finding]:
    """A ``{"mappings": [...]}`` file may also carry ``meta``; anything else stops WireMock."""
    document = json.loads(first.file.text)
    out = []
    for key in document:
        if key not in ("mappings", "meta"):
            line, column = first.file.locate(key)
            out.append(Finding(first.file.shown, line, column, "WM004", Severity.ERROR,
                               f"unknown key {key!r} next to 'mappings': WireMock refuses to start",
                               "a mappings file holds only 'mappings' (and 'meta')"))
    return out


def _duplicate_ids(stubs: list[Stub]) -> list[Finding]:
    seen: dict[str, Stub] = {}
    out = []
    for stub in stubs:
        key = stub_id(stub)
        if key is None:
            continue
        if key in seen:
            first = seen[key]
            line, _ = first.file.locate(*first.json_path, "id" if "id" in first.data else "uuid")
            out.append(finding(stub, ("id" if "id" in stub.data else "uuid",), "WM009", Severity.ERROR,
                               f"id {key} is also used at {first.file.shown}:{line}: WireMock refuses to start",
                               "give each stub its own UUID"))
        else:
            seen[key] = stub
    return out


def _shadowed_requests(stubs: list[Stub]) -> list[Finding]:
    """Same request pattern, priority and scenario state: WireMock always picks one, the other never matches."""
    seen: dict[str, Stub] = {}
    out = []
    for stub in stubs:
        request = stub.data.get("request")
        if not isinstance(request, dict):
            continue
        data = stub.data
        key = json.dumps([request, data.get("priority", 5), data.get("scenarioName"),
                          data.get("requiredScenarioState")], sort_keys=True)
        if key in seen:
            first = seen[key]
            line, _ = first.file.locate(*first.json_path, "request")
            out.append(finding(stub, ("request",), "WM016", Severity.WARNING,
                               f"same request pattern and priority as {first.file.shown}:{line}: one of the two "
                               "never matches", "change the request pattern, or give the stubs different priorities"))
        else:
            seen[key] = stub
    return out
