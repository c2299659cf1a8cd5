"""The formats CI reads: SARIF 2.1.0 for code scanning, and GitHub workflow annotations."""

from __future__ import annotations

TYPE_CHECKING = False  # typing costs ~2 ms of start-up, and render.py imports this module: types only
if TYPE_CHECKING:
    from typing import Any

    from infractl.render import Report

from infractl import __version__
from infractl.findings import Finding, Severity, in_order

SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _message_with_fix(finding: Finding) -> str:
    """Both formats have one text field: the fix follows the message in it."""
    return finding.message + (f" Fix: {finding.fix}" if finding.fix else "")


def github_annotation(finding: Finding) -> str:
    level = _GITHUB_LEVEL[finding.severity]
    if finding.logical_name:  # not a file: name the place in the title, claim no file or line
        props = [f"title={_github_property(f'{finding.rule} {finding.logical_name}')}"]
    else:
        props = [f"file={_github_property(finding.path)}"]
        if finding.line is not None:
            props.append(f"line={finding.line}")
        if finding.column is not None:
            props.append(f"col={finding.column}")
        props.append(f"title={_github_property(finding.rule)}")
    return f"::{level} {','.join(props)}::{_github_data(_message_with_fix(finding))}"


def _github_data(text: str) -> str:
    """The message, escaped as @actions/core's escapeData: '%' first, then CR and LF."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(text: str) -> str:
    """A property value (file=, title=), escaped as escapeProperty: a ',' or ':' would end it early."""
    return _github_data(text).replace(":", "%3A").replace(",", "%2C")


def _sarif_uri(path: str) -> str:
    """A URI reference, as SARIF requires: relative paths percent-encoded, absolute ones as file: URIs."""
    from pathlib import PurePosixPath
    from urllib.parse import quote

    if path.startswith("/"):
        return PurePosixPath(path).as_uri()
    return quote(path, safe="/")


def to_sarif(report: Report) -> dict[str, Any]:
    rule_ids = sorted({f.rule for f in report.findings})
    results = []
    for finding in in_order(report.findings):
        region = {}
        if finding.line is not None:
            region["startLine"] = finding.line
            if finding.column is not None:
                region["startColumn"] = finding.column
        physical: dict[str, Any] = {"artifactLocation": {"uri": _sarif_uri(finding.path)}}
        if region:
            physical["region"] = region
        place: dict[str, Any] = {"physicalLocation": physical}
        if finding.logical_name:
            name = finding.logical_name.rsplit(".", 1)[-1] if finding.logical_kind == "column" else finding.logical_name
            place = {"logicalLocations": [{"fullyQualifiedName": finding.logical_name, "name": name,
                                           "kind": finding.logical_kind}]}
        results.append(
            {
                "ruleId": finding.rule,
                "ruleIndex": rule_ids.index(finding.rule),
                "level": SARIF_LEVEL[finding.severity],
                "message": {"text": _message_with_fix(finding)},
                "locations": [place],
            }
        )
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "infractl", "version": __version__,
                                    "informationUri": "https://pypi.org/project/infractl/",
                                    "rules": [sarif_rule(rule_id) for rule_id in rule_ids]}},
                "results": results,
            }
        ],
    }


def sarif_rule(rule_id: str) -> dict[str, Any]:
    """A SARIF reportingDescriptor with the rule's documentation (what code scanning shows)."""
    from infractl.rulebook import get_rule

    rule = get_rule(rule_id)
    if rule is None:
        return {"id": rule_id}
    help_text = f"{rule.rationale}\n\nFix: {rule.fix}" if rule.fix else rule.rationale
    markdown = [rule.rationale]
    if rule.bad:
        markdown.append(f"Example that triggers it:\n\n```\n{rule.bad.rstrip()}\n```")
    if rule.good:
        markdown.append(f"Fixed:\n\n```\n{rule.good.rstrip()}\n```")
    if rule.fix:
        markdown.append(f"**Fix:** {rule.fix}")
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.rationale},
        "help": {"text": help_text, "markdown": "\n\n".join(markdown)},
        "defaultConfiguration": {"level": SARIF_LEVEL[rule.severity]},
        "properties": {"command": rule.command, "tags": [rule.command, *rule.tags]},
    }

