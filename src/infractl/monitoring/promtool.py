"""The real promtool, once per kind per run: ``promtool check rules F1 F2 ...`` and ``promtool check config
--syntax-only C1 C2 ...``, its output split back per file.

One call over every file costs what one file costs (~0.3 s of start-up each, 113 files took 6 s one by
one), and when the files are plain it starts before infractl loads them, so the two read them at once.
promtool prints ``Checking F`` before each file's verdict (stdout) and its errors (stderr); the two
streams are read as one, in order, so each error belongs to the file named last. What promtool reads for an
operator resource or a ConfigMap is a temp file (sources.py) whose lines are the original's; its name is
replaced by the original's in what is reported.

``check config`` runs with ``--syntax-only``: the rule files a configuration names are checked by
``check rules`` already (checked twice, each failure was reported twice), and the certificate and
password files it names live on the Prometheus host, not in the repository.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
from pathlib import Path

from infractl.findings import Finding
from infractl.load import LoadError
from infractl.monitoring.rules import PROMTOOL_MISSING, PROMTOOL_REJECTS
from infractl.monitoring.sources import ConfigSource, RuleSource
from infractl.process import prestart, tools

PROMTOOL_TIMEOUT = 60  # seconds for a call, plus PER_FILE for each file it checks
PER_FILE = 0.5
PROMTOOL_ANSWERS = (0, 1, 3)  # clean, rejected, lint problems made fatal (--lint-fatal)
FLAGS = {"rules": ("--lint=none",), "config": ("--syntax-only", "--lint=none")}
# stdout and stderr as one pipe: its end is seen at once (waiting on a file polls); past 64 KB of errors
# promtool waits for the read in findings(), which only delays it
OPTIONS = {"text": True, "stderr": subprocess.STDOUT}
# Go's collector at its default pace (GOGC=100) is a tenth of promtool's CPU over many rule files; at 200 it
# runs half as often: 113 files 211 -> 188 ms, peak memory 41 -> 46 MB, the same output. A GOGC set wins.
GOGC = "200"
_PLAIN_RULES = (b"groups:",)  # top-level keys, each at the start of a line
_PLAIN_CONFIG = (b"scrape_configs:", b"rule_files:")
_OBJECT = (b"apiVersion:", b"kind:")
_POSITION = re.compile(r"^(\d+):(\d+):\s*")
_LINE = re.compile(r"\bline (\d+)\b")


class Promtool:
    """The run's promtool calls, one per kind: started as soon as their files are known (``start_early``:
    while infractl loads the YAML, promtool reads it too), waited for in ``findings``. ``close`` ends what
    still runs and removes the temp files, whatever happened."""

    def __init__(self) -> None:
        self.executable = find_promtool()
        self.scratch: str | None = None
        self.calls: dict[str, tuple] = {}  # kind -> (process, {argument: (path, column shift)})

    def start_early(self, rule_files: list[Path], configs: list[Path], read) -> None:
        """Start promtool on the candidates now when every one of a kind is a plain file (``plain_calls``).
        A candidate that turns out to be no rule file or configuration once loaded has its findings dropped."""
        for kind, arguments in plain_calls(rule_files, configs, read):
            with contextlib.suppress(OSError):  # findings() tries again and reports it
                self._start(kind, arguments)

    def findings(self, rules: list[RuleSource], configs: list[ConfigSource]) -> list[Finding]:
        """MON001 for each error promtool finds in a rule file or configuration, once; MON000 once when
        promtool is missing. Sources whose expressions are not PromQL (VMRule) are not given to it."""
        wanted = {"rules": self._arguments("rules", [source for source in rules if source.promql]),
                  "config": self._arguments("config", configs)}
        if not any(wanted.values()):
            return []
        if self.executable is None:
            first = next(path for arguments in wanted.values() for path, _ in arguments.values())
            return [PROMTOOL_MISSING.finding(
                str(first), None, None, "promtool is not installed: rule files were not checked by Prometheus itself",
                "apt-get install prometheus (Debian) or put promtool on PATH")]
        findings = []
        for kind, arguments in wanted.items():
            if kind in self.calls and not arguments.keys() <= self.calls[kind][1].keys():
                findings += self._wait(kind, {})  # cannot happen for plain files; never check a file twice
            if arguments and kind not in self.calls:
                try:
                    self._start(kind, arguments)
                except OSError as exc:
                    findings.append(PROMTOOL_REJECTS.finding(
                        str(next(iter(arguments.values()))[0]), None, None,
                        f"promtool cannot be run: {exc.strerror or exc}", "reinstall promtool"))
            if kind in self.calls:
                findings += self._wait(kind, arguments)
        return findings

    def close(self) -> None:
        for process, _ in self.calls.values():
            tools.stop(process)
        self.calls.clear()
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)
            self.scratch = None

    def _arguments(self, kind: str, sources: list) -> dict[str, tuple[Path, int | None]]:
        """What promtool is given for each source: the file itself, or a temp file with the file's lines."""
        arguments: dict[str, tuple[Path, int | None]] = {}
        for index, source in enumerate(sources):
            if source.text is None:
                arguments.setdefault(str(source.path), (source.path, 0))
                continue
            if self.scratch is None:
                import tempfile

                self.scratch = tempfile.mkdtemp(prefix="infractl-promtool-")
            argument = os.path.join(self.scratch, f"{kind}-{index}-{source.path.name}")
            with open(argument, "w", encoding="utf-8") as handle:
                handle.write(source.text)
            arguments[argument] = (source.path, source.shift)
        return arguments

    def _start(self, kind: str, arguments: dict[str, tuple[Path, int | None]]) -> None:
        if self.executable is not None:
            self.calls[kind] = (prestart.start(command(self.executable, kind, arguments), **options()), arguments)

    def _wait(self, kind: str, wanted: dict[str, tuple[Path, int | None]]) -> list[Finding]:
        """The findings of the call of ``kind`` on the arguments in ``wanted`` (the others are dropped)."""
        process, arguments = self.calls.pop(kind)
        first = str(next(iter(arguments.values()))[0])
        try:
            done = tools.finish(process, timeout=PROMTOOL_TIMEOUT + PER_FILE * len(arguments))
        except tools.ToolTimeout as exc:
            return [PROMTOOL_REJECTS.finding(first, None, None, f"promtool failed on {len(arguments)} files: {exc}",
                                             f"run promtool check {kind} on the files")]
        text = done.stdout
        failure = done.failure(PROMTOOL_ANSWERS)
        if failure is not None:  # killed, or a status that is no answer on the files
            return [PROMTOOL_REJECTS.finding(first, None, None, f"promtool failed: {failure}",
                                             f"run promtool check {kind} on the files")]
        if done.returncode == 0:
            return []
        findings, attributed = [], False
        for argument, lines in _split(text, arguments).items():
            path, shift = arguments[argument]
            errors = _errors(lines, argument, path, shift)
            attributed = attributed or bool(errors)
            for line, column, message in errors if argument in wanted else ():
                findings.append(PROMTOOL_REJECTS.finding(
                    str(path), line, column, message,
                    f"fix the {'rule file' if kind == 'rules' else 'configuration'}; "
                    f"'promtool check {kind}' shows the same"))
        if not attributed:  # it said no, but nothing we could attribute: never a silent pass
            findings.append(PROMTOOL_REJECTS.finding(first, None, None, "promtool rejected the files: "
                                                     + (text.strip()[-400:] or "no output"), ""))
        return findings


def plain_calls(rule_files: list[Path], configs: list[Path], read) -> list[tuple[str, dict]]:
    """(kind, arguments) of each call that can start before the files are loaded: every candidate of the
    kind is a plain file (no Kubernetes object in it), so what promtool reads is the file itself. Also what
    entry.py's head start runs (prestart.py), so the two build the same command line."""
    calls = []
    for kind, files, top in (("rules", rule_files, _PLAIN_RULES), ("config", configs, _PLAIN_CONFIG)):
        try:
            heads = [read(str(path)) for path in files]
        except (OSError, LoadError):
            continue  # sources.py reports the file; promtool waits for what it finds
        if files and all(_starts_a_line(head, top) and not _starts_a_line(head, _OBJECT) for head in heads):
            calls.append((kind, {str(path): (path, 0) for path in files}))
    return calls


def _starts_a_line(data: bytes, words: tuple[bytes, ...]) -> bool:
    """Whether one of ``words`` starts a line of ``data`` (as ``re.search(rb"^word", re.MULTILINE)``, ~6x
    faster: the head start runs this over every rule file before it starts promtool)."""
    return any(data.startswith(word) or b"\n" + word in data for word in words)


def find_promtool() -> str | None:
    return shutil.which("promtool")


def options() -> dict:
    """How promtool is started (tools.start's options), here and by the head start (prestart.py)."""
    return {**OPTIONS, "env": {**os.environ, "GOGC": os.environ.get("GOGC") or GOGC}}


def command(executable: str, kind: str, arguments: dict) -> list[str]:
    """promtool's command line for one call. "--": a file named like a flag is still a file."""
    return [executable, "check", kind, *FLAGS[kind], "--", *arguments]


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


def _errors(lines: list[str], argument: str, path: Path, shift: int | None) -> list[tuple[int | None, int | None, str]]:
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
        text = text.replace(argument, str(path))
        if text.endswith("unmarshal errors:"):
            header = text
            continue
        position = _POSITION.match(text)
        if position:
            error = (int(position[1]), int(position[2]) + shift if shift is not None else None,
                     text[position.end():])
        else:
            line = _LINE.search(text)
            error = (int(line[1]) if line else None, None, f"{header} {text}".strip() if header else text)
        if error not in errors:  # promtool 2.42 prints a YAML syntax error twice
            errors.append(error)
    return errors
