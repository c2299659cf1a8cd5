"""``infractl wiremock validate``: every check over a WireMock root, without a server.

Per-file work (parse, keys, types, ids, matchers, body files, templating) first; what spans files
(duplicate ids, shadowed requests) afterwards, on small keys.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from infractl.findings import Finding
from infractl.render import Report
from infractl.rulebook.selection import RuleSelection, keep_wanted
from infractl.wiremock.mappings.checks_files import check_body_file, check_ignored, check_permissions
from infractl.wiremock.mappings.checks_stub import check_stub, check_templating, finding, stub_id
from infractl.wiremock.mappings.loading import MappingFile, Stub, Tree, discover, load
from infractl.wiremock.mappings.rules import RULE

COMMAND = "wiremock validate"


@dataclass(frozen=True)
class StubKey:
    """What the checks across files need of one stub."""

    file_index: int
    json_path: tuple
    id_key: str | None
    id_field: str
    request_key: str | None


def collect(root: Path, global_templating: bool | None = False, selection: RuleSelection | None = None) -> Report:
    """Every finding on the WireMock root ``root``, less what ``selection`` leaves out (JSON has no
    comments, so there is no noqa to honour), printing nothing: what ``wiremock validate`` prints,
    ``wiremock up`` checks before it starts, and ``check``'s wiremock area reports. The summary's
    ``stubs`` is how many stubs WireMock will serve (those in files that load). ``global_templating``:
    True when the config or a flag switches it on; None when not said, so a Dockerfile or Compose file
    next to the mappings may (templating.py); False: off (``wiremock up`` starts its own WireMock)."""
    declared = None
    if global_templating is None:
        from infractl.wiremock.mappings.templating import declared_beside

        declared = declared_beside(root)
        global_templating = declared is not None
    tree = discover(root)
    out: list[Finding] = []
    out.extend(check_permissions(tree))
    out.extend(check_ignored(tree))
    keys: list[StubKey] = []
    for file_findings, file_keys in _check_files(tree, global_templating):
        out.extend(file_findings)
        keys.extend(file_keys)
    out.extend(_duplicate_ids(tree, keys))
    out.extend(_shadowed_requests(tree, keys))
    findings = out if selection is None else keep_wanted(out, selection, lines_of=None)
    files = len(tree.mapping_files)
    return Report(
        command=COMMAND,
        findings=findings,
        summary={"mapping_files": files, "stubs": len(keys), "findings": len(findings)},
        headline=f"{tree.show(tree.root)}: {files} mapping files, {len(keys)} stubs, {len(findings)} findings"
                 + (f" (global response templating: {declared})" if declared else ""),
        extra={"dir": str(tree.root), **({"global_templating": declared} if declared else {})},
        group_by_path=True,
    )


def check_file(tree: Tree, index: int, global_templating: bool) -> tuple[list[Finding], list[StubKey]]:
    mapping = tree.mapping_files[index]
    load(mapping)
    if mapping.problem:
        rule, line, column, message = mapping.problem
        return [RULE[rule].finding(mapping.shown, line, column, message, _PROBLEM_FIX.get(rule, ""))], []
    out: list[Finding] = []
    if mapping.stubs and mapping.stubs[0].json_path:
        out.extend(_check_list_file(mapping.stubs[0]))
    keys = []
    for stub in mapping.stubs:
        out.extend(check_stub(stub))
        response = stub.data.get("response")
        if isinstance(response, dict):
            body_findings, body_path = check_body_file(tree, stub, response)
            out.extend(body_findings)
            out.extend(check_templating(stub, response, global_templating, body_path))
        keys.append(StubKey(index, stub.json_path, stub_id(stub), "id" if "id" in stub.data else "uuid",
                            _request_key(stub)))
    return out, keys


def _check_files(tree: Tree, global_templating: bool):
    # One process: a fork pool was measured slower here (pickling 5,000 results back costs more than the
    # checks it spreads over two cores).
    for index in range(len(tree.mapping_files)):
        yield check_file(tree, index, global_templating)


_PROBLEM_FIX = {
    "WM001": "fix the JSON at this position (JSON has no comments and no trailing commas)",
    "WM002": "delete the file or put one mapping in it",
    "WM003": 'wrap the list: {"mappings": [...]}',
    "WM005": "make 'mappings' an array of mapping objects",
    "WM012": "chmod o+r the file (a symlink: restore its target or remove the link)",
}


def _check_list_file(first: Stub) -> list[Finding]:
    """A ``{"mappings": [...]}`` file may also carry ``meta``; anything else stops WireMock."""
    document = json.loads(first.file.text)
    out = []
    for key in document:
        if key not in ("mappings", "meta"):
            line, column = first.file.locate(key)
            out.append(RULE["WM004"].finding(first.file.shown, line, column,
                                             f"unknown key {key!r} next to 'mappings': WireMock refuses to start",
                                             "a mappings file holds only 'mappings' (and 'meta')"))
    return out


def _request_key(stub: Stub) -> str | None:
    """Same request pattern, priority and scenario state: WireMock always picks one of such stubs."""
    request = stub.data.get("request")
    if not isinstance(request, dict):
        return None
    data = stub.data
    return json.dumps([request, data.get("priority", 5), data.get("scenarioName"),
                       data.get("requiredScenarioState")], sort_keys=True)


def _stub_at(tree: Tree, key: StubKey) -> Stub:
    """The stub a key came from (its file re-read if its text was dropped; only for findings)."""
    mapping: MappingFile = tree.mapping_files[key.file_index]
    if not mapping.text:
        load(mapping)
    return Stub(mapping, key.json_path, {})


def _duplicate_ids(tree: Tree, keys: list[StubKey]) -> list[Finding]:
    out = []
    for earlier, key in _repeats(keys, "id_key"):
        first = _stub_at(tree, earlier)
        line, _ = first.file.locate(*first.json_path, earlier.id_field)
        out.append(finding(_stub_at(tree, key), (key.id_field,), "WM009",
                           f"id {key.id_key} is also used at {first.file.shown}:{line}: WireMock refuses "
                           "to start", "give each stub its own UUID"))
    return out


def _shadowed_requests(tree: Tree, keys: list[StubKey]) -> list[Finding]:
    out = []
    for earlier, key in _repeats(keys, "request_key"):
        first = _stub_at(tree, earlier)
        line, _ = first.file.locate(*first.json_path, "request")
        out.append(finding(_stub_at(tree, key), ("request",), "WM016",
                           f"same request pattern and priority as {first.file.shown}:{line}: one of the two "
                           "never matches", "change the request pattern, or give the stubs different priorities"))
    return out


def _repeats(keys: list[StubKey], attribute: str) -> Iterator[tuple[StubKey, StubKey]]:
    """(the first stub with a value of ``attribute``, a later stub with the same value), for every later one;
    stubs whose ``attribute`` is None are not compared."""
    first: dict[str, StubKey] = {}
    for key in keys:
        value = getattr(key, attribute)
        if value is None:
            continue
        if value in first:
            yield first[value], key
        else:
            first[value] = key
