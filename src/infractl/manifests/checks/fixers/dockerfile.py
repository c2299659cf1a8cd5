"""The Dockerfile rules' automatic fixes (``Rule.fixer`` names them; imported only when fixing).

``fixer(text, finding) -> fixes.Change | None``: the Dockerfile's text and one finding of the rule. The
file is parsed again as dockerfile.py parses it (BuildKit's way) and only the instruction the finding
names is edited, or one line is inserted; None when it cannot be done without a guess.
"""

from __future__ import annotations

import json
import re
import shlex

from infractl.fixes import Change, Edit, line_offsets
from infractl.load.yamlnodes import newline_of
from infractl.manifests.checks.dockerfile import parse

UNPRIVILEGED_USER = "10001:10001"
# Characters that make /bin/sh -c do more than split words: expansions, operators, redirections, globs,
# comments, escapes. Quotes alone are fine: without these inside them, sh and shlex split them alike.
_SHELL_CHARS = frozenset("$&|;<>*?[]{}~`()!#\\\n")
# First words that are the shell's own (a keyword or a builtin with no binary to exec).
_SHELL_WORDS = frozenset({"cd", "export", "source", ".", "set", "unset", "if", "for", "while", "until", "case",
                          "eval", "exec", "ulimit", "umask", "trap", "alias", "read", "shift", "wait", "local",
                          "readonly", "return", "function", "declare", "typeset", "command", "builtin"})
_KEYWORD = re.compile(r"[ \t]*(CMD|ENTRYPOINT)[ \t]+", re.IGNORECASE)
# Instructions whose effect depends on the user they run as: USER goes after the last of them.
_BUILD_STEPS = frozenset({"RUN", "COPY", "ADD", "WORKDIR", "VOLUME", "ONBUILD"})


def exec_form(text: str, finding) -> Change | None:
    """DOCKER005 (safe): ``CMD gunicorn app:application`` -> ``CMD ["gunicorn", "app:application"]`` when
    sh would only have split the words: no variable, operator, redirection, glob, escape or comment, no
    shell builtin, no ``VAR=value`` prefix, on one line. Not when the stage pairs it with the other of
    CMD/ENTRYPOINT: there the form decides how they combine."""
    instructions, stages = parse(text)
    instruction = next((i for i in instructions if i.line == finding.line and i.keyword in ("CMD", "ENTRYPOINT")),
                       None)
    if instruction is None or instruction.exec_form is not None:
        return None
    stage = next((s for s in stages if instruction in s.instructions), None)
    other = "ENTRYPOINT" if instruction.keyword == "CMD" else "CMD"
    if stage is None or any(i.keyword == other for i in stage.instructions):
        return None
    offsets = line_offsets(text)
    start = offsets[finding.line - 1]
    line = text[start:offsets[finding.line] if finding.line < len(offsets) else len(text)].rstrip("\r\n")
    keyword = _KEYWORD.match(line)
    if keyword is None or keyword.group(1).upper() != instruction.keyword or line.rstrip().endswith("`"):
        return None
    args = line[keyword.end():].rstrip()
    words = _plain_words(args)
    if words is None:
        return None
    return Change((Edit(start + keyword.end(), start + keyword.end() + len(args), json.dumps(words, ensure_ascii=False)),),
                  note=f"{instruction.keyword} in exec form: the application is PID 1 and gets SIGTERM")


def _plain_words(args: str) -> list[str] | None:
    """The words sh would exec, or None when sh would do more than split them."""
    if not args or _SHELL_CHARS.intersection(args):
        return None
    try:
        words = shlex.split(args, posix=True)
    except ValueError:  # an unbalanced quote
        return None
    if not words or "=" in words[0] or words[0] in _SHELL_WORDS:
        return None
    return words


def add_user(text: str, finding) -> Change | None:
    """DOCKER002 (unsafe): a final stage with no USER gets ``USER 10001:10001`` after its last build step,
    before its CMD/ENTRYPOINT (above the comment lines that introduce it), or at the end of the file.
    A ``USER root`` written out is left to a human, as is a stage that sets USER somewhere else."""
    _, stages = parse(text)
    stage = next((s for s in stages if s.line == finding.line), None)
    if stage is None or any(i.keyword == "USER" for i in stage.instructions):
        return None
    last_step = max((n for n, i in enumerate(stage.instructions) if i.keyword in _BUILD_STEPS), default=-1)
    start = next((i for i in stage.instructions[last_step + 1:] if i.keyword in ("CMD", "ENTRYPOINT")), None)
    offsets, newline = line_offsets(text), newline_of(text)
    keyword = "user" if text[offsets[stage.line - 1]:].lstrip()[:4] == "from" else "USER"
    line = f"{keyword} {UNPRIVILEGED_USER}{newline}"
    if start is not None:
        number = start.line
        while number > 1 and text[offsets[number - 2]:offsets[number - 1]].lstrip().startswith("#"):
            number -= 1  # the comment lines above CMD (a noqa comment among them) stay with it
        position = offsets[number - 1]
    elif stage is stages[-1]:
        position = len(text)
        if text and not text.endswith("\n"):
            line = newline + line
    else:
        return None  # a --target stage without CMD: where it ends is the next FROM's business
    return Change((Edit(position, position, line),), note=f"USER {UNPRIVILEGED_USER}: the container no longer runs as root")
