"""``infractl rules`` and ``infractl rule ID``: the rule catalogue, for people and for tools."""

from __future__ import annotations

import json
import sys
import textwrap

from infractl.errors import EXIT_OK, InfractlError
from infractl.rulebook import all_rules, get_rule


def list_rules(command: str | None, as_json: bool) -> int:
    rules = [rule for rule in all_rules().values() if command is None or rule.command == command]
    if command is not None and not rules:
        commands = sorted({rule.command for rule in all_rules().values()})
        raise InfractlError(f"no rules for command {command!r} (commands with rules: {', '.join(commands)})")
    rules.sort(key=lambda rule: rule.id)
    if as_json:
        sys.stdout.write(json.dumps({"rules": [rule.to_dict() for rule in rules]}, indent=2) + "\n")
        return EXIT_OK
    id_width = max(len(rule.id) for rule in rules)
    command_width = max(len(rule.command) for rule in rules)
    width = _terminal_width()
    for rule in rules:
        head = f"{rule.id:<{id_width}}  {rule.severity.value:<7}  {rule.command:<{command_width}}  "
        summary = rule.summary + (f" [{rule.fix_safety} fix]" if rule.fix_safety else "")
        if width is None:  # piped: one line per rule, for grep and other tools
            sys.stdout.write(f"{head}{summary}\n")
            continue
        # a terminal: the summary wrapped at words under its column, never cut by the terminal
        indent = " " * len(head) if width - len(head) >= 30 else "    "
        lines = textwrap.wrap(summary, width=width - 1, initial_indent=head, subsequent_indent=indent)
        sys.stdout.write("\n".join(lines or [head.rstrip()]) + "\n")
    return EXIT_OK


def _terminal_width() -> int | None:
    """The terminal's width when stdout is one, else None."""
    import shutil

    return shutil.get_terminal_size().columns if sys.stdout.isatty() else None


def explain_rule(rule_id: str, as_json: bool) -> int:
    rule = get_rule(rule_id) or next((r for r in all_rules().values() if rule_id.upper() in r.aliases), None)
    if rule is None:
        close = sorted(known for known in all_rules() if known[:2] == rule_id.upper()[:2])
        hint = f" (rules starting {rule_id.upper()[:2]}: {', '.join(close)})" if close else ""
        raise InfractlError(f"no rule {rule_id!r}{hint}; 'infractl rules' lists them all")
    if as_json:
        sys.stdout.write(json.dumps(rule.to_dict(), indent=2) + "\n")
        return EXIT_OK
    out = [f"{rule.id} ({rule.name}) - {rule.command}, {rule.severity.value}", "", *_wrap(rule.summary), ""]
    out += ["Why:", *_wrap(rule.rationale, "  "), ""]
    if rule.bad:
        out += ["Triggers it:", textwrap.indent(rule.bad.rstrip("\n"), "    "), ""]
    if rule.good:
        out += ["Fixed:", textwrap.indent(rule.good.rstrip("\n"), "    "), ""]
    if rule.fix:
        out += ["How to fix:", *_wrap(rule.fix, "  "), ""]
    out += ["Automatic fix:", *_wrap(fix_safety_text(rule).replace("`", "'"), "  "), ""]
    if rule.overlap:
        out += ["Other tools:", *_wrap(rule.overlap, "  "), ""]
    aliases = f" (its aliases {', '.join(rule.aliases)} count too)" if rule.aliases else ""
    suppress = ("Its input has no comments (no noqa)" if "no-noqa" in rule.tags else
                f"Suppress on a line with '# noqa: {rule.id}'{aliases}")
    out += _wrap(f"{suppress}; turn off with --ignore {rule.id} or ignore = [\"{rule.id}\"] in [tool.infractl].")
    sys.stdout.write("\n".join(out) + "\n")
    return EXIT_OK


def _wrap(text: str, indent: str = "") -> list[str]:
    return textwrap.wrap(text, width=78, initial_indent=indent, subsequent_indent=indent) or [indent]


def reference_markdown() -> str:
    """The whole catalogue as one Markdown page: a section per command, a subsection per rule (what
    ``infractl rule ID`` shows, plus the fix's safety). The docs site renders this page."""
    by_command: dict[str, list] = {}
    for rule in sorted(all_rules().values(), key=lambda rule: rule.id):
        by_command.setdefault(rule.command, []).append(rule)
    out = ["# Rule reference", "", ("Every rule infractl reports, by the command that reports it. "
           "`infractl rule ID` prints one of these sections; `infractl rules` lists them."), ""]
    for command in sorted(by_command):
        out += [f"## {command}", ""]
        for rule in by_command[command]:
            out += [f"### {rule.id}: {rule.name}", "", *rule_markdown(rule)]
    return "\n".join(out).rstrip("\n") + "\n"


def rule_markdown(rule) -> list[str]:
    """One rule's section under its heading, as Markdown lines: severity, fix safety, why, the example
    and its fix. The reference page above and the docs site's rule pages (docs/gen.py) both use it."""
    out = [f"- Severity: {rule.severity.value}"]
    if rule.aliases:
        out.append(f"- Aliases: {', '.join(rule.aliases)}")
    out += [f"- Fix safety: {fix_safety_text(rule)}", "", rule.summary, "", "**Why.** " + rule.rationale, ""]
    if rule.bad:
        out += ["**Triggers it:**", "", _fenced(rule.bad), ""]
    if rule.good:
        out += ["**Fixed:**", "", _fenced(rule.good), ""]
    if rule.fix:
        out += ["**How to fix.** " + rule.fix, ""]
    return out


def fix_safety_text(rule) -> str:
    """What fixes the rule's findings automatically, and whether that is safe (ruff's model: a safe fix
    cannot change what a correct setup means; an unsafe one changes behaviour on purpose)."""
    if not rule.fix_safety:
        return "no automatic fix"
    if rule.fixer:
        flags = "--fix" if rule.fix_safety == "safe" else "--fix --unsafe-fixes"
        where = "`infractl check`" + (f" and `infractl {rule.command}`" if rule.command != "check" else "")
        return f"{rule.fix_safety}: `{flags}` applies it (on {where})"
    return f"{rule.fix_safety}: `infractl {rule.command}` makes the change itself (not `--fix`)"


def _fenced(text: str) -> str:
    fence = "````" if "```" in text else "```"
    return f"{fence}\n{text.rstrip(chr(10))}\n{fence}"
