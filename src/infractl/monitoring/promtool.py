"""The real promtool, once per kind per run: ``promtool check rules F1 F2 ...`` and ``promtool check config
--syntax-only C1 C2 ...``, its output split back per file.

One call over every file costs what one file costs (~0.3 s of start-up each, 113 files took 6 s one by
one). promtool prints ``Checking F`` before each file's verdict (stdout) and its errors (stderr); the two
streams are read as one, in order, so each error belongs to the file named last. What promtool reads for an
operator resource or a ConfigMap is a temp file (sources.py) whose lines are the original's; its name is
replaced by the original's in what is reported.

``check config`` runs with ``--syntax-only``: the rule files a configuration names are checked by
``check rules`` already (checked twice, each failure was reported twice), and the certificate and
password files it names live on the Prometheus host, not in the repository.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess

from infractl import tools
from infractl.findings import Finding
from infractl.monitoring.rules import PROMTOOL_MISSING, PROMTOOL_REJECTS
from infractl.monitoring.sources import ConfigSource, RuleSource

PROMTOOL_TIMEOUT = 60  # seconds for a call, plus PER_FILE for each file it checks
PER_FILE = 0.5
PROMTOOL_ANSWERS = (0, 1, 3)  # clean, rejected, lint problems made fatal (--lint-fatal)
FLAGS = {"rules": ("--lint=none",), "config": ("--syntax-only", "--lint=none")}
_POSITION = re.compile(r"^(\d+):(\d+):\s*")
_LINE = re.compile(r"\bline (\d+)\b")


def promtool_findings(rules: list[RuleSource], configs: list[ConfigSource]) -> list[Finding]:
    """MON001 for each error promtool finds in a rule file or configuration, once; MON000 once when
    promtool is missing. Sources whose expressions are not PromQL (VMRule) are not given to it."""
    rules = [source for source in rules if source.promql]
    if not rules and not configs:
        return []
    promtool = shutil.which("promtool")
    if promtool is None:
        return [PROMTOOL_MISSING.finding(
            str((rules or configs)[0].path), None, None,
            "promtool is not installed: rule files were not checked by Prometheus itself",
            "apt-get install prometheus (Debian) or put promtool on PATH")]
    import tempfile

    with tempfile.TemporaryDirectory(prefix="infractl-promtool-") as scratch:
        return _batch(promtool, "rules", rules, scratch) + _batch(promtool, "config", configs, scratch)


def _batch(promtool: str, kind: str, sources: list, scratch: str) -> list[Finding]:
    """One ``promtool check KIND`` over every source; the findings per source file."""
    arguments: dict[str, RuleSource | ConfigSource] = {}
    for index, source in enumerate(sources):
        if source.text is None:
            arguments.setdefault(str(source.path), source)
            continue
        argument = os.path.join(scratch, f"{kind}-{index}-{source.path.name}")
        with open(argument, "w", encoding="utf-8") as handle:
            handle.write(source.text)
        arguments[argument] = source
    if not arguments:
        return []
    first = str(sources[0].path)
    try:
        done = tools.run([promtool, "check", kind, *FLAGS[kind], *arguments],
                         timeout=PROMTOOL_TIMEOUT + PER_FILE * len(arguments), stderr=subprocess.STDOUT)
    except tools.ToolTimeout as exc:
        return [PROMTOOL_REJECTS.finding(first, None, None, f"promtool failed on {len(arguments)} files: {exc}",
                                         f"run promtool check {kind} on the files")]
    failure = done.failure(PROMTOOL_ANSWERS)
    if failure is not None:  # killed, or a status that is no answer on the files
        return [PROMTOOL_REJECTS.finding(first, None, None, f"promtool failed: {failure}",
                                         f"run promtool check {kind} on the files")]
    if done.returncode == 0:
        return []
    findings = []
    for argument, lines in _split(done.stdout, arguments).items():
        source = arguments[argument]
        for line, column, message in _errors(lines, argument, source):
            findings.append(PROMTOOL_REJECTS.finding(
                str(source.path), line, column, message,
                f"fix the {'rule file' if kind == 'rules' else 'configuration'}; "
                f"'promtool check {kind}' shows the same"))
    if not findings:  # it said no, but nothing we could attribute: never a silent pass
        findings.append(PROMTOOL_REJECTS.finding(first, None, None, "promtool rejected the files: "
                                                 + (done.stdout.strip()[-400:] or "no output"), ""))
    return findings


def _split(output: str, arguments: dict) -> dict[str, list[str]]:
    """The output lines that follow each ``Checking F``, by F (only the files we gave)."""
    blocks: dict[str, list[str]] = {}
    current = None
    for raw in output.splitlines():
        if raw.startswith("Checking ") and raw[len("Checking "):] in arguments:
            current = raw[len("Checking "):]
            blocks.setdefault(current, [])
        elif current is not None:
            blocks[current].append(raw)
    return blocks


def _errors(lines: list[str], argument: str, source) -> list[tuple[int | None, int | None, str]]:
    """(line, column, message) of each error in one file's block; an item of a 'yaml: unmarshal errors:'
    list carries that header. The file's name is dropped (the finding carries it)."""
    errors: list[tuple[int | None, int | None, str]] = []
    header = ""
    for raw in lines:
        text = raw.strip()
        if text.startswith("FAILED:"):
            text = text[len("FAILED:"):].strip()
        if not text or text.startswith("SUCCESS"):
            continue
        for prefix in (f"{argument}: ", f"parsing YAML file {argument}: "):
            text = text.removeprefix(prefix)
        text = text.replace(argument, str(source.path))
        if text.endswith("unmarshal errors:"):
            header = text
            continue
        position = _POSITION.match(text)
        if position:
            error = (int(position[1]), int(position[2]) + source.shift, text[position.end():])
        else:
            line = _LINE.search(text)
            error = (int(line[1]) if line else None, None, f"{header} {text}".strip() if header else text)
        if error not in errors:  # promtool 2.42 prints a YAML syntax error twice
            errors.append(error)
    return errors
