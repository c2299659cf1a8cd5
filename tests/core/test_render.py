import json
import sys

from infractl.findings import Finding, Severity, count_by_severity, fails
from infractl.render import Report, github_annotation, print_report, to_sarif

ERROR = Finding("app/db.py", 3, 5, "DB001", Severity.ERROR, "t.created_at has no server default", "SET DEFAULT now()")
WARNING = Finding("app/db.py", 9, None, "DT101", Severity.WARNING, "aware meets naive", "")
INFO = Finding("public.t", None, None, "DB006", Severity.INFO, "no trigger", "")


def test_exit_decision():
    assert fails([ERROR])
    assert not fails([WARNING, INFO])
    assert fails([WARNING], strict=True)
    assert not fails([INFO], strict=True)
    assert count_by_severity([ERROR, WARNING, WARNING]) == {"error": 1, "warning": 2, "info": 0}


def test_json_document_shape(capsys):
    print_report(Report("verify-db", [WARNING, ERROR], summary={"tables": 2}), fmt="json")
    doc = json.loads(capsys.readouterr().out)
    assert doc["tool"] == "infractl" and doc["command"] == "verify-db"
    assert doc["summary"] == {"error": 1, "warning": 1, "info": 0, "tables": 2}
    assert doc["findings"][0]["severity"] in {"error", "warning"}
    assert set(doc["findings"][0]) == {"rule", "severity", "path", "line", "column", "message", "fix"}


def test_table_shows_location_and_tally(capsys):
    print_report(Report("x", [ERROR, INFO], headline="checked 2 tables", group_by_path=True))
    out = capsys.readouterr().out
    assert "app/db.py:3:5" in out and "DB001" in out
    assert "checked 2 tables: 1 error, 0 warnings, 1 info" in out


def test_table_does_not_interpret_markup_in_messages(capsys):
    odd = Finding("a.py", 1, 1, "X", Severity.ERROR, "[bold]not markup[/bold]", "")
    print_report(Report("x", [odd]))
    assert "[bold]not markup[/bold]" in capsys.readouterr().out


def test_sarif_and_github():
    sarif = to_sarif(Report("x", [ERROR, WARNING]))
    results = sarif["runs"][0]["results"]
    assert [r["level"] for r in results] == ["error", "warning"]
    assert results[0]["locations"][0]["physicalLocation"]["region"] == {"startLine": 3, "startColumn": 5}
    assert github_annotation(ERROR).startswith("::error file=app/db.py,line=3,col=5,title=DB001::")


COLUMN = Finding("public.orders", None, None, "DB001", Severity.ERROR, "public.orders.created_at has no server default",
                 "ALTER TABLE public.orders ALTER COLUMN created_at SET DEFAULT now()",
                 logical_name="public.orders.created_at", logical_kind="column")


def test_a_column_finding_claims_no_file_anywhere(capsys):
    [result] = to_sarif(Report("verify-db", [COLUMN]))["runs"][0]["results"]
    assert result["locations"] == [{"logicalLocations": [
        {"fullyQualifiedName": "public.orders.created_at", "name": "created_at", "kind": "column"}]}]
    annotation = github_annotation(COLUMN)
    assert annotation.startswith("::error title=DB001 public.orders.created_at::") and "file=" not in annotation
    print_report(Report("verify-db", [COLUMN]), fmt="json")
    [finding] = json.loads(capsys.readouterr().out)["findings"]
    assert finding["logical_location"] == {"name": "public.orders.created_at", "kind": "column"}
    # file findings keep their physical location and their JSON shape
    assert "logical_location" not in ERROR.to_dict()
    assert "physicalLocation" in to_sarif(Report("x", [ERROR]))["runs"][0]["results"][0]["locations"][0]


def test_github_annotation_escapes_properties_and_message_as_the_actions_toolkit_does():
    # A path with ',' or ':' used to end the file= property early: GitHub put the annotation nowhere.
    odd = Finding("a,b:c/100%.yml", 2, None, "CI001", Severity.ERROR, "50% fails\r\nsecond line", "")
    assert github_annotation(odd) == ("::error file=a%2Cb%3Ac/100%25.yml,line=2,title=CI001::"
                                      "50%25 fails%0D%0Asecond line")


def test_sarif_artifact_uris_are_uri_references():
    """SARIF's artifactLocation.uri is a URI: a path with a space was written raw, and an absolute path as a
    bare '/tmp/...' rather than a file: URI."""
    spaced = Finding("my repo/.github/workflows/ci.yml", 2, None, "CI001", Severity.ERROR, "m", "")
    absolute = Finding("/srv/a b/ci.yml", 2, None, "CI001", Severity.ERROR, "m", "")
    plain = Finding("app/db.py", 3, 5, "DB001", Severity.ERROR, "m", "")
    results = to_sarif(Report("lint-ci", [spaced, absolute, plain]))["runs"][0]["results"]
    uris = sorted(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results)
    assert uris == ["app/db.py", "file:///srv/a%20b/ci.yml", "my%20repo/.github/workflows/ci.yml"]


def test_a_url_in_a_message_is_never_split_by_a_hard_line_break(monkeypatch, capsys):
    """At 80 columns rich folded a long URL with a newline in the middle: copied or clicked, it was wrong.
    Prose still wraps at words; a word longer than the line stays whole (the terminal soft-wraps it)."""
    from rich.console import Console

    from infractl import render

    url = "https://github.blog/changelog/2025-09-19-deprecation-of-node-20-on-github-actions-runners/"
    finding = Finding(".github/workflows/ci.yml", 3, 15, "AL003", Severity.ERROR,
                      f"runtime node20 is deprecated; removal is scheduled for September 23rd, 2026. see {url}. "
                      "update the version of action actions/checkout@v4", f"read {url} first")
    monkeypatch.setattr("rich.console.Console", lambda **kw: Console(width=80, force_terminal=False, **kw))
    render.print_rich_table(Report("lint-ci", [finding]), to_stderr=False)
    out = capsys.readouterr().out
    assert url in out.replace(".\n", ".")  # the URL whole, on one line
    assert any(line.strip().startswith(url) for line in out.splitlines())
    assert "    fix: read" in out
    prose = [line for line in out.splitlines() if url not in line]
    assert all(len(line) <= 80 for line in prose)


def test_the_terminal_view_reads_no_markup_or_emoji_codes(monkeypatch, capsys):
    """shellcheck's 'SC2046:warning:' printed as 'SC2046⚠': rich read ':warning:' as an emoji code."""
    from rich.console import Console

    consoles = []
    monkeypatch.setattr("rich.console.Console",
                        lambda **kw: consoles.append(Console(force_terminal=True, record=True, width=200, **kw))
                        or consoles[-1])
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    message = "shellcheck reported issue in this script: SC2046:warning:1:5: Quote this [bold]$(ls)[/bold] :smile:"
    finding = Finding("a[red].yml", 6, 9, "AL005", Severity.ERROR, message, "see [link=x]docs[/link] :+1:")
    print_report(Report("lint-ci", [finding], headline="[b]1[/b] workflow file :rocket:",
                        columns=["file [x]"], rows=[[":warning: [i]x[/i]"]]))
    text = consoles[0].export_text()
    for literal in (message, "a[red].yml:6:9", "see [link=x]docs[/link] :+1:", "[b]1[/b] workflow file :rocket:",
                    "file [x]", ":warning: [i]x[/i]"):
        assert literal in text, literal
    assert "⚠" not in text and "😄" not in text and "🚀" not in text


SHORT = Finding("a.py", 2, None, "X001", Severity.WARNING, "short", "")
LONG = Finding("app/very/deep/module.py", 10, 4, "X002", Severity.ERROR, "m" * 600, "do this")
WHOLE_FILE = Finding("setup.cfg", None, None, "X003", Severity.INFO, "no section", "")


def test_plain_output_is_one_unpadded_line_per_finding(capsys):
    """Off a terminal every line used to be padded to the longest message: 600-character lines in CI logs.
    Now, as ruff and flake8 print it: path:line:col: RULE severity message, the fix indented under it."""
    print_report(Report("x", [LONG, SHORT, WHOLE_FILE], headline="checked 3 files"))
    assert capsys.readouterr().out == (
        "a.py:2: X001 warning short\n"
        f"app/very/deep/module.py:10:4: X002 error {'m' * 600}\n"
        "    fix: do this\n"
        "setup.cfg: X003 info no section\n"
        "\n"
        "checked 3 files: 1 error, 1 warning, 1 info\n")


def test_plain_per_item_table_pads_short_columns_only(capsys):
    long_name = "d/" * 40 + "f.py"
    print_report(Report("x", [], columns=["file", "changes"], rows=[["a.py", 3], [long_name, 12]]))
    assert capsys.readouterr().out.splitlines() == [
        "file" + " " * 36 + "  changes",
        "-" * 40 + "  -------",
        "a.py" + " " * 36 + "  3",
        f"{long_name}  12",
        "",
        "0 errors, 0 warnings, 0 info",
    ]
