"""``wiremock validate``'s rules, one object each, beside the checks that make their findings through
``RULE[id]`` (checks_stub.py, checks_files.py, validate.py, and loading.py's problems), each with a bad and a
good example tree that the tests run (light: nothing but rulebook here). The tree stays in ``EXAMPLES``
(the rule shows it rendered as text; the tests write it to disk, with its file modes).

An example is a small WireMock root: ``{relative path: file text}``, plus file modes where the rule is
about permissions. ``refuses_start`` marks the rules whose bad example makes the real WireMock 3.13.2
exit at start-up; a test starts the real server on every bad example to prove it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from infractl.findings import Severity
from infractl.rulebook import Rule

COMMAND = "wiremock validate"

_ID = "8c5db8e4-4e7b-4cbd-9b1b-5f3d0f5e2a11"
_ID2 = "1f0e7a52-93c1-4d8e-a6b2-7c4e9d0f3b28"


def _stub(request: str = '"method": "GET", "urlPath": "/-/healthy"', response: str = '"status": 200, "body": "OK"',
          head: str = f'"id": "{_ID}"') -> str:
    lead = f"  {head},\n" if head else ""
    return f'{{\n{lead}  "request": {{ {request} }},\n  "response": {{ {response} }}\n}}\n'


GOOD = {"mappings/healthy.json": _stub()}


@dataclass(frozen=True)
class Example:
    bad: dict[str, str]
    good: dict[str, str]
    bad_modes: dict[str, int] = field(default_factory=dict)  # path -> chmod mode in the bad tree
    refuses_start: bool = False  # the real WireMock exits at start-up on the bad tree


EXAMPLES: dict[str, Example] = {
    "WM001": Example({"mappings/healthy.json": '{\n  "request": { "method": "GET", "urlPath": "/-/healthy" },\n'
                      '  "response": { "status": 200 },\n}\n'}, GOOD, refuses_start=True),
    "WM002": Example({"mappings/healthy.json": "\n"}, GOOD, refuses_start=True),
    "WM003": Example({"mappings/healthy.json": "[\n" + _stub() + "]\n"},
                     {"mappings/healthy.json": '{ "mappings": [\n' + _stub() + "] }\n"}, refuses_start=True),
    "WM004": Example({"mappings/healthy.json": _stub(request='"metod": "GET", "urlPath": "/-/healthy"')}, GOOD,
                     refuses_start=True),
    "WM005": Example({"mappings/healthy.json": _stub(head=f'"id": "{_ID}", "priority": "high"')},
                     {"mappings/healthy.json": _stub(head=f'"id": "{_ID}", "priority": 1')}, refuses_start=True),
    "WM006": Example({"mappings/healthy.json": _stub(response='"status": "200", "body": "OK"')}, GOOD),
    "WM007": Example({"mappings/healthy.json": _stub(head='"id": "alertmanager-healthy"')},
                     {"mappings/healthy.json": _stub(head=f'"id": "{_ID}", "name": "alertmanager-healthy"')},
                     refuses_start=True),
    "WM008": Example({"mappings/healthy.json": _stub(head=f'"id": "{_ID}", "uuid": "{_ID2}"')}, GOOD),
    "WM009": Example({"mappings/healthy.json": _stub(),
                      "mappings/ready.json": _stub(request='"method": "GET", "urlPath": "/-/ready"')},
                     {"mappings/healthy.json": _stub(),
                      "mappings/ready.json": _stub(request='"method": "GET", "urlPath": "/-/ready"',
                                                   head=f'"id": "{_ID2}"')}, refuses_start=True),
    "WM010": Example({"mappings/alerts.json": _stub(response='"status": 200, "bodyFileName": "alerts.json"')},
                     {"mappings/alerts.json": _stub(response='"status": 200, "bodyFileName": "alerts.json"'),
                      "__files/alerts.json": "[]\n"}),
    "WM011": Example({"mappings/alerts.json": _stub(response='"status": 200, "bodyFileName": "../alerts.json"'),
                      "alerts.json": "[]\n"},
                     {"mappings/alerts.json": _stub(response='"status": 200, "bodyFileName": "alerts.json"'),
                      "__files/alerts.json": "[]\n"}),
    "WM012": Example({"mappings/healthy.json": _stub()}, GOOD, bad_modes={"mappings/healthy.json": 0o600},
                     refuses_start=True),
    "WM013": Example({"mappings/health/healthy.json": _stub()}, {"mappings/health/healthy.json": _stub()},
                     bad_modes={"mappings/health": 0o700}),
    "WM014": Example({"mappings/healthy.JSON": _stub()}, {"mappings/healthy.json": _stub()}),
    "WM015": Example({"mappings/echo.json": _stub(response='"status": 200, "body": "{{request.path}}"')},
                     {"mappings/echo.json": _stub(response='"status": 200, "body": "{{request.path}}", '
                                                  '"transformers": ["response-template"]')}),
    "WM016": Example({"mappings/healthy.json": _stub(), "mappings/healthy-too.json": _stub(head="")},
                     {"mappings/healthy.json": _stub(),
                      "mappings/healthy-too.json": _stub(head='"priority": 9')}),
    "WM017": Example({"mappings/alerts.json": _stub(
        request='"method": "GET", "urlPath": "/api/v2/alerts", "headers": { "Accept": { "matchs": "json" } }')},
        {"mappings/alerts.json": _stub(
            request='"method": "GET", "urlPath": "/api/v2/alerts", "headers": { "Accept": { "matches": "json" } }')},
        refuses_start=True),
}


def render_tree(tree: dict[str, str], modes: dict[str, int] | None = None) -> str:
    parts = []
    for path, text in tree.items():
        mode = (modes or {}).get(path)
        parts.append(f"# {path}" + (f" (mode {mode:o})" if mode else "") + "\n" + text.rstrip())
    for path, mode in (modes or {}).items():
        if path not in tree:
            parts.append(f"# {path}/ (directory, mode {mode:o})")
    return "\n".join(parts) + "\n"


_E, _W = Severity.ERROR, Severity.WARNING
_DOCS = (
    ("WM001", "invalid-json", _E, "the file is not valid JSON",
     "WireMock stops at start-up on the first file it cannot parse.", "fix the JSON at the reported position"),
    ("WM002", "empty-file", _E, "the mapping file is empty",
     "An empty .json file under mappings/ stops WireMock at start-up.", "delete it or put a mapping in it"),
    ("WM003", "not-a-mapping-object", _E, "the top level is not a mapping object or {\"mappings\": [...]}",
     "WireMock reads one stub mapping per file, or an object with a 'mappings' array; a bare array stops it.",
     'wrap the array: {"mappings": [...]}'),
    ("WM004", "unknown-key", _E, "a key WireMock does not know (a typo such as 'metod')",
     "WireMock 3 rejects unknown fields in a mapping, its request and its response: it refuses to start.",
     "fix the spelling (the finding suggests the nearest known key)"),
    ("WM005", "wrong-type", _E, "a value of the wrong JSON type (priority: \"high\")",
     "Values that cannot be converted to the type WireMock's schema names stop WireMock at start-up.",
     "use the type the schema names"),
    ("WM006", "quoted-number", _W, "a number or boolean written as a string (status: \"200\")",
     "WireMock converts \"200\" to 200, but the schema says integer: other tools and readers disagree.",
     "drop the quotes"),
    ("WM007", "id-not-uuid", _E, "id or uuid is not a canonical UUID",
     "WireMock 3 parses ids as UUIDs and refuses to start on any other text.",
     "use a UUID as id and the readable text as name"),
    ("WM008", "id-and-uuid", _W, "both id and uuid are set",
     "uuid is an alias of id: one of the two values is silently dropped.", "keep only id"),
    ("WM009", "duplicate-id", _E, "the same id in two places (within a file or across files)",
     "WireMock refuses to start when two stubs share an id.", "give each stub its own UUID"),
    ("WM010", "body-file-missing", _E, "bodyFileName names a file that is not under __files/",
     "WireMock starts without complaint and answers HTTP 500 only when the stub is hit, in the middle of a test.",
     "create the file under __files/ or fix the name"),
    ("WM011", "body-file-outside", _E, "bodyFileName escapes __files/ (../, an absolute path, a symlink out)",
     "Only __files/ is mounted into the container: the file is not there at run time.",
     "move the file under __files/"),
    ("WM012", "unreadable-file", _E, "a file the container user cannot read (no read bit for others, e.g. 600)",
     ("The container runs as another user than the files' owner: a mapping it cannot read stops it at start-up, "
      "a body file it cannot read gives HTTP 500."), "chmod o+r the file"),
    ("WM013", "unsearchable-directory", _E, "a directory without r-x for others",
     "The container user cannot list or enter it, so what is below it is missing or unreadable.",
     "chmod o+rx the directory"),
    ("WM014", "ignored-file", _W, "a file in mappings/ that WireMock silently ignores (.JSON, .json5, .txt)",
     "WireMock loads only names ending in lowercase .json; the stub silently never exists.",
     "rename it to .json or move it out of mappings/"),
    ("WM015", "template-without-transformer", _W, "{{...}} templating without the response-template transformer",
     ("Without \"transformers\": [\"response-template\"] (or --global-response-templating) WireMock sends the "
      "template text literally."), 'add "transformers": ["response-template"] to the response'),
    ("WM016", "shadowed-request", _W, "two stubs with the same request pattern and priority",
     "WireMock always answers with one of them; the other never matches.",
     "make the patterns differ or give them different priorities"),
    ("WM017", "invalid-matcher", _E, "a request matcher that is not in WireMock's schema ({\"matchs\": ...})",
     "Checked against the stub-mapping JSON schema shipped in the WireMock JAR; WireMock refuses to start on it.",
     'use one matcher such as {"equalTo": "..."}'),
)


def parse_tree(rendered: str) -> tuple[dict[str, str], dict[str, int]]:
    """``render_tree``'s inverse: the tree and its modes (a fix case is a rendered tree, like bad and good)."""
    tree: dict[str, str] = {}
    modes: dict[str, int] = {}
    path = None
    for line in rendered.splitlines(keepends=True):
        if line.startswith("# "):
            head = line[2:].rstrip("\n")
            name, _, mode = head.partition(" (")
            if mode:
                modes[name.rstrip("/")] = int(mode.rstrip(")").split("mode ")[1], 8)
            path = None if name.endswith("/") else name
            if path is not None:
                tree[path] = ""
        elif path is not None:
            tree[path] += line
    return {p: text.rstrip("\n") + "\n" for p, text in tree.items()}, modes


_FIXER = "infractl.wiremock.mappings.fixers:"
_DERIVED = "f0522f36-7389-5498-ab5e-05b93ece9421"  # uuid5 of "alertmanager-healthy" (fixers.ID_NAMESPACE)
_CASE_BODY = {"mappings/alerts.json": _stub(response='"status": 200, "bodyFileName": "Alerts.json"'),
              "__files/alerts.json": "[]\n"}
# id -> (fix safety, fixer, (before, after) trees): every one of these changes only what WireMock cannot use
FIXES = {
    "WM007": ("safe", _FIXER + "fix_id", ((render_tree(EXAMPLES["WM007"].bad),
                                          render_tree({"mappings/healthy.json": _stub(
                                              head=f'"id": "{_DERIVED}", "name": "alertmanager-healthy"')})),)),
    "WM010": ("safe", _FIXER + "fix_body_file_case", ((render_tree(_CASE_BODY), render_tree(
        {**_CASE_BODY, "mappings/alerts.json": _CASE_BODY["mappings/alerts.json"].replace("Alerts", "alerts")})),)),
    "WM012": ("safe", _FIXER + "fix_readable", ((render_tree(EXAMPLES["WM012"].bad, EXAMPLES["WM012"].bad_modes),
                                                render_tree(EXAMPLES["WM012"].bad)),)),
    "WM013": ("safe", _FIXER + "fix_readable", ((render_tree(EXAMPLES["WM013"].bad, EXAMPLES["WM013"].bad_modes),
                                                render_tree(EXAMPLES["WM013"].bad)),)),
}
_FIX_DOCS = {
    "WM007": " --fix replaces the text with the UUID derived from it (uuid5 on a fixed namespace: the same on every "
             "run), rather than removing it, so the stub keeps an id other tools can refer to, and keeps the text as "
             "the stub's name when it has none.",
    "WM010": " --fix corrects a name that differs from an existing file only in letter case.",
    "WM012": " --fix adds read permission for group and others (600 becomes 644).",
    "WM013": " --fix adds read and search permission for group and others (700 becomes 755).",
}

RULES = tuple(
    Rule(id=rule_id, name=name, severity=severity, command=COMMAND, summary=summary, rationale=rationale,
         fix=fix + ("." + _FIX_DOCS[rule_id] if rule_id in _FIX_DOCS else ""),
         bad=render_tree(EXAMPLES[rule_id].bad, EXAMPLES[rule_id].bad_modes),
         good=render_tree(EXAMPLES[rule_id].good), tags=("wiremock", "no-noqa"),
         **dict(zip(("fix_safety", "fixer", "fix_cases"), FIXES.get(rule_id, ("", "", ())))))
    for rule_id, name, severity, summary, rationale, fix in _DOCS
)
RULE = {rule.id: rule for rule in RULES}  # the checks name their rule by id
