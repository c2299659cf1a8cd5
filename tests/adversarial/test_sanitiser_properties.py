"""Property: whatever text a finding carries (a file name, a YAML value, a tool's stderr), every format
prints it without a raw control character, without a line GitHub would run as a workflow command, and
without the password of a ``scheme://user:PASSWORD@host`` URL in it. Driven through
``render.print_report``, the one entry point every command uses (it sanitises, then renders)."""

from __future__ import annotations

import io
import json
import re
import unicodedata
from contextlib import redirect_stdout
from unittest import mock
from urllib.parse import unquote

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from infractl.findings import Finding, Severity
from infractl.render import Report, print_report

# Unicode's Bidi_Control characters: each reorders what a terminal shows (Trojan Source).
BIDI_CONTROLS = {"\u061c", "\u200e", "\u200f", *map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A))}

# Pieces an attacker (or an accident) puts in a name or a message, mixed with arbitrary text.
HOSTILE_PIECES = ["\x1b[31m", "\x1b]0;title\x07", "\x07", "\x00", "\n", "\r", "\r\n", "\t", "\x7f", "\x85",
                  "\x9b", "\u2028", "\u2029", "\u202e", "\u2066", "\u061c", "\u200f", "::", ":", " ::",
                  "\n::warning file=x::pwned", "::error::injected", "%0A", "%", ",", "\\", "\udcff", "\udc80",
                  " ", "\u3000::", "\xa0::"]
hostile_text = st.lists(st.one_of(st.sampled_from(HOSTILE_PIECES), st.text(max_size=6)), max_size=8).map("".join)

# A password as people paste them: anything but whitespace and the characters that end a URL's authority
# (a raw '@' included: the mask runs to the last '@' before the host). The marker keeps it unmistakable.
password = st.text(st.characters(blacklist_categories=("Cs", "Zs", "Zl", "Zp", "Cc"), blacklist_characters="/?#"),
                   min_size=1, max_size=12).map(lambda tail: f"Pw7{tail}")
url_with_password = st.builds(
    lambda scheme, user, secret, host: (f"{scheme}://{user}:{secret}@{host}/db", secret),
    st.sampled_from(["postgresql", "redis", "https", "amqp+ssl"]),
    st.text("abcdefghijklmnopqrstuvwxyz_0123456789", max_size=8),
    password,
    st.sampled_from(["db", "db.example.org:5432", "10.0.0.1", "[::1]:5432"]))


def raw_controls(text: str) -> set[str]:
    """Characters no printed finding may hold: C0 (but the line break between lines), DEL, C1, the line
    and paragraph separators, the bidi controls, and lone surrogates (unencodable as UTF-8)."""
    return {c for c in text if c != "\n" and (unicodedata.category(c) in ("Cc", "Zl", "Zp", "Cs")
                                              or c in BIDI_CONTROLS)}


def workflow_command_lines(text: str, own_annotations: bool) -> list[str]:
    """Lines GitHub's runner would read as a workflow command (it trims leading whitespace first)."""
    commands = [line for line in text.split("\n") if line.lstrip().startswith("::")]
    if own_annotations:
        commands = [line for line in commands if not re.match(r"::(error|warning|notice) ", line)]
    return commands


def rendered(report: Report, fmt: str) -> str:
    out = io.StringIO()  # not a terminal: "table" is the plain log format
    with redirect_stdout(out):
        print_report(report, fmt)
    return out.getvalue()


def rendered_on_terminal(report: Report, width: int) -> str:
    """What a colour terminal receives from the rich view: every byte rich writes, styles included."""
    from rich.console import Console

    terminal = io.StringIO()
    terminal.isatty = lambda: True
    consoles: list[Console] = []

    def recording(**kwargs):
        consoles.append(Console(file=terminal, force_terminal=True, color_system="truecolor", record=True,
                                width=width, **kwargs))
        return consoles[-1]

    with mock.patch("rich.console.Console", recording), redirect_stdout(terminal):
        print_report(report, "table")
    assert consoles, "the terminal view was not used"
    return terminal.getvalue()


def github_decoded(line: str) -> str:
    """An annotation's properties and message as the runner reads them (escapeProperty/escapeData undone)."""
    return line.replace("%3A", ":").replace("%2C", ",").replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def json_strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for key, item in value.items() for text in (*json_strings(key), *json_strings(item))]
    if isinstance(value, list):
        return [text for item in value for text in json_strings(item)]
    return []


@st.composite
def hostile_findings(draw):
    """1-3 findings with hostile path, message and fix; one field of one finding holds a URL password."""
    (url, secret), field = draw(url_with_password), draw(st.sampled_from(["path", "message", "fix"]))
    findings = []
    for index in range(draw(st.integers(1, 3))):
        fields = {name: draw(hostile_text) for name in ("path", "message", "fix")}
        if index == 0:
            fields[field] = f"{fields[field]} {url} {draw(hostile_text)}"
        findings.append(Finding(fields["path"], draw(st.one_of(st.none(), st.integers(1, 10**6))),
                                draw(st.one_of(st.none(), st.integers(1, 500))), draw(st.sampled_from(["CI001", "DT010"])),
                                draw(st.sampled_from(list(Severity))), fields["message"], fields["fix"]))
    assume(all(secret not in f"{f.path}{f.message}{f.fix}".replace(url, "") for f in findings))
    return findings, secret


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(hostile_findings(), st.sampled_from(["table", "github"]))
def test_text_formats_print_no_control_no_workflow_command_no_password(case, fmt):
    findings, secret = case
    out = rendered(Report("lint-ci", findings), fmt)
    assert not raw_controls(out), out
    assert not workflow_command_lines(out, own_annotations=fmt == "github"), out
    if fmt == "github":
        lines = out.splitlines()
        assert len(lines) == len(findings) and all(re.match(r"::(error|warning|notice) ", line) for line in lines)
        out = github_decoded(out)
    assert secret not in out


@SETTINGS
@given(hostile_findings(), st.sampled_from(["json", "sarif"]))
def test_json_formats_hold_no_control_and_no_password_in_any_value(case, fmt):
    """Checked on the parsed values: what ``jq -r .message`` would print must be as safe as our own view."""
    findings, secret = case
    document = json.loads(rendered(Report("lint-ci", findings), fmt))
    values = json_strings(document)
    if fmt == "sarif":
        values += [unquote(text) for text in values]  # artifact URIs are percent-encoded
    for text in values:
        assert not raw_controls(text), text
        assert not workflow_command_lines(text, own_annotations=False), text
        assert secret not in text, text


@SETTINGS
@given(hostile_findings(), st.sampled_from([40, 100]))
def test_the_terminal_view_writes_only_its_own_escape_sequences(case, width):
    findings, secret = case
    out = rendered_on_terminal(Report("lint-ci", findings), width)
    unstyled = re.sub(r"\x1b\[[0-9;]*m", "", out)  # rich's own colour codes; any other ESC would be ours
    assert not raw_controls(unstyled), unstyled
    assert not workflow_command_lines(unstyled, own_annotations=False), unstyled
    assert secret not in unstyled
