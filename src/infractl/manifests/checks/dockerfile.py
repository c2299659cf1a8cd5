"""Dockerfile rules (DOCKER001-DOCKER005): base images pinned, a non-root final stage, no secret literals
in ENV/ARG, no unverified remote ADD, exec-form CMD/ENTRYPOINT.

The parser follows BuildKit's: the ``# escape=`` directive, ``\\`` continuations (comment and empty lines
inside one are dropped), heredocs (``RUN <<EOF``), JSON (exec) form against shell form, stages, and ARGs
declared before the first FROM (their defaults are what a FROM without ``--build-arg`` uses).
"""

from __future__ import annotations

import itertools
import json
import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from infractl.findings import Finding

_DIRECTIVE = re.compile(r"^#\s*(?P<name>[A-Za-z]+)\s*=\s*(?P<value>\S+)\s*$")
_HEREDOC = re.compile(r"<<-?\s*([\"']?)(?P<word>[A-Za-z_][A-Za-z0-9_]*)\1")
_VARIABLE = re.compile(r"\$(?:\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?::?(?P<op>[-+])(?P<arg>[^}]*))?\}"
                       r"|(?P<bare>[A-Za-z_][A-Za-z0-9_]*))")
UNKNOWN = "\x00"  # a variable only known at build time (an ARG without default, --build-arg)
ROOT_USERS = ("root", "0")
# Words of a variable name that mark a secret; KEY only in these pairs (GPG_KEY, the official python
# images' release-signing key fingerprint, is public). Names of where a secret is (_FILE, _PATH) or of an
# identifier (_ID, _NAME, _USER) are not secrets themselves.
_SECRET_WORDS = frozenset({"PASSWORD", "PASSWD", "SECRET", "TOKEN", "CREDENTIAL", "CREDENTIALS", "APIKEY"})
_SECRET_KEY_PAIRS = frozenset({("API", "KEY"), ("PRIVATE", "KEY"), ("SECRET", "KEY"), ("ACCESS", "KEY"),
                               ("SIGNING", "KEY"), ("ENCRYPTION", "KEY")})
_NOT_A_SECRET_END = frozenset({"FILE", "PATH", "DIR", "ID", "NAME", "USER", "USERNAME", "URL_FILE"})


@dataclass
class Instruction:
    keyword: str  # upper case: FROM, RUN, ...
    args: str  # everything after the keyword, continuations joined with a space
    line: int  # the instruction's first line (1-based)

    @property
    def exec_form(self) -> list[str] | None:
        """The JSON array of an exec-form instruction, or None for the shell form."""
        text = self.args.strip()
        if not text.startswith("["):
            return None
        try:
            value = json.loads(text)
        except ValueError:
            return None
        return value if isinstance(value, list) and all(isinstance(v, str) for v in value) else None


@dataclass
class Stage:
    base: str  # as written
    name: str | None
    line: int
    instructions: list[Instruction] = field(default_factory=list)


def parse(text: str) -> tuple[list[Instruction], list[Stage]]:
    """Instructions (global ARGs included) and the stages they form."""
    lines = text.splitlines()
    escape = "\\"
    for raw in lines:  # parser directives: leading comment lines of the form "# name=value"
        directive = _DIRECTIVE.match(raw.strip())
        if not directive:
            break
        if directive.group("name").lower() == "escape" and directive.group("value") in ("\\", "`"):
            escape = directive.group("value")
    instructions: list[Instruction] = []
    index = 0
    while index < len(lines):
        stripped = lines[index].strip()
        if not stripped or stripped.startswith("#"):
            index += 1
            continue
        first, parts = index, []
        while True:
            current = lines[index].rstrip()
            index += 1
            if current.endswith(escape):
                parts.append(current[:-1])
                while index < len(lines) and (not lines[index].strip() or lines[index].lstrip().startswith("#")):
                    index += 1  # comment and empty lines inside a continuation are dropped
                if index < len(lines):
                    continue
            else:
                parts.append(current)
            break
        keyword, args = ([*" ".join(part.strip() for part in parts).split(None, 1), ""])[:2]
        for heredoc in _HEREDOC.finditer(args) if keyword.upper() in ("RUN", "COPY", "ADD") else ():
            while index < len(lines) and lines[index].strip() != heredoc.group("word"):
                index += 1  # the heredoc's body is data, not instructions
            index += 1
        instructions.append(Instruction(keyword.upper(), args.strip(), first + 1))
    stages: list[Stage] = []
    for instruction in instructions:
        if instruction.keyword == "FROM":
            words = [w for w in instruction.args.split() if not w.startswith("--")]
            name = words[2] if len(words) >= 3 and words[1].lower() == "as" else None
            stages.append(Stage(words[0] if words else "", name, instruction.line))
        elif stages:
            stages[-1].instructions.append(instruction)
    return instructions, stages


def pairs(args: str, keyword: str = "ENV") -> list[tuple[str, str | None]]:
    """ENV/ARG operands: ``A=1 B="two words"``, the legacy ``ENV NAME value words``, ``ARG A B=2``."""
    try:
        words = shlex.split(args, posix=True)
    except ValueError:
        words = args.split()
    if keyword == "ARG":
        return [(name, value if sep else None) for name, sep, value in (w.partition("=") for w in words)]
    if words and "=" not in words[0]:
        return [(words[0], " ".join(words[1:]) if len(words) > 1 else None)]
    return [(name, value) for name, _, value in (w.partition("=") for w in words)]


def names_where_a_secret_is(name: str) -> bool:
    """``MYSQL_ROOT_PASSWORD_FILE``, ``TOKEN_PATH``, ``CLIENT_SECRET_ID``: where a secret is, or whose, not
    the secret itself (compose.py asks this too)."""
    words = [w for w in re.split(r"[^A-Za-z0-9]+", name.upper()) if w]
    return bool(words) and words[-1] in _NOT_A_SECRET_END


def secret_name(name: str) -> bool:
    words = [w for w in re.split(r"[^A-Za-z0-9]+", name.upper()) if w]
    if not words or names_where_a_secret_is(name):
        return False
    return bool(_SECRET_WORDS.intersection(words)) or any(pair in _SECRET_KEY_PAIRS for pair in itertools.pairwise(words))


def substitute(text: str, variables: dict[str, str | None]) -> str:
    """Dockerfile variable substitution; what only a --build-arg can say becomes UNKNOWN."""
    def replace(match: re.Match) -> str:
        name = match.group("name") or match.group("bare")
        value = variables.get(name)
        op, arg = match.group("op"), match.group("arg") or ""
        if op == "-":
            return value if value else arg
        if op == "+":
            return arg if value else ""
        return UNKNOWN if value is None else value

    return _VARIABLE.sub(replace, text)


def dockerfile_hits(text: str, build_args: dict[str, str] | None = None,
                    target: str | None = None) -> Iterator[tuple[int, str, str, str]]:
    """(line, rule, message, fix) for every problem in a Dockerfile's text; ``build_args`` win over the
    ARG defaults they override, and ``target`` is the final stage when given (as in docker build)."""
    from infractl.manifests.checks.hardening import image_unpinned
    from infractl.manifests.checks.review.tags import floating_tag

    instructions, stages = parse(text)
    build_args = build_args or {}
    global_args: dict[str, str | None] = {}
    for instruction in instructions:
        if instruction.keyword == "FROM":
            break
        if instruction.keyword == "ARG":
            global_args.update((k, build_args.get(k, v)) for k, v in pairs(instruction.args, "ARG"))
    names: set[str] = set()
    for stage in stages:
        image = substitute(stage.base, global_args)
        if UNKNOWN not in image and image.lower() != "scratch" and image.lower() not in names:
            reason = image_unpinned(image)
            shown = stage.base if image == stage.base else f"{stage.base} ({image} by its ARG default)"
            if reason:
                yield (stage.line, "DOCKER001", f"FROM {shown} {reason}",
                       "pin a version tag or a digest (python:3.12.7-slim, image@sha256:...)")
            elif floating := floating_tag(image):
                yield (stage.line, "DOCKER006", f"FROM {shown}: {floating}",
                       "pin the full version (python:3.12.7-slim) or a digest (image@sha256:...)")
        if stage.name:
            names.add(stage.name.lower())
    for instruction in instructions:
        yield from _secrets(instruction)
        yield from _remote_add(instruction)
    if target:
        stages = stages[:1 + next((i for i, s in enumerate(stages) if (s.name or "").lower() == target.lower()),
                                  len(stages) - 1)]
    if stages:
        yield from _final_stage(stages, global_args, build_args)


def _secrets(instruction: Instruction) -> Iterator[tuple[int, str, str, str]]:
    from infractl.manifests.checks.compose import _URL_PASSWORD
    from infractl.sanitise.masking import known_tokens, mask_text, mask_url

    if instruction.keyword not in ("ENV", "ARG"):
        # any other instruction: a credential of a published format in its text (``RUN curl -H "...:
        # ghp_..."``, ``LABEL``) is in the image's history or config just the same
        kinds = sorted({kind for kind, _, _ in known_tokens(instruction.args)})
        if kinds:
            yield (instruction.line, "DOCKER003",
                   f"{instruction.keyword} holds {' and '.join(kinds)} as a literal (value not shown)",
                   ("revoke it; at build time use RUN --mount=type=secret, at run time the environment or a "
                    "secret store; never write it into a layer"))
        return
    for name, value in pairs(instruction.args, instruction.keyword):
        literal = _VARIABLE.sub("", value or "")
        password = _URL_PASSWORD.search(value or "")
        where = f"{instruction.keyword} {name}"
        if literal.strip() and (secret_name(name) or any(known_tokens(literal))):
            yield (instruction.line, "DOCKER003", f"{where} is a literal secret (value not shown)",
                   ("pass it at run time (environment, secret store) or at build time with "
                   "RUN --mount=type=secret; never bake it into a layer"))
        elif password and not _VARIABLE.search(password.group("password")):
            yield (instruction.line, "DOCKER003",
                   mask_text(f"{where} holds a URL with a literal password: {mask_url(value or '')}",
                             (password.group("password"),)),
                   "take the URL (or its password) from the environment at run time")


def _remote_add(instruction: Instruction) -> Iterator[tuple[int, str, str, str]]:
    if instruction.keyword != "ADD":
        return
    words = instruction.exec_form
    if words is None:
        words = instruction.args.split()
    flags = [w for w in words if w.startswith("--")]
    sources = [w for w in words if not w.startswith("--")][:-1]
    if any(f.startswith("--checksum=") for f in flags):
        return
    for source in sources:
        if re.match(r"https?://", source, re.IGNORECASE):
            from infractl.sanitise.masking import mask_url

            yield (instruction.line, "DOCKER004", f"ADD downloads {mask_url(source)} without verifying it",
                   ("ADD --checksum=sha256:<digest> URL DEST, or RUN curl -fsSLo FILE URL && "
                   "echo '<digest>  FILE' | sha256sum -c"))


def _final_stage(stages: list[Stage], global_args: dict, build_args: dict) -> Iterator[tuple[int, str, str, str]]:
    final = stages[-1]
    user, line = _effective_user(final, stages, global_args, build_args)
    if user is None:
        if not substitute(final.base, global_args).rsplit(":", 1)[-1].endswith("nonroot"):
            yield (final.line, "DOCKER002", "the final stage sets no USER: the container runs as root",
                   "create an unprivileged user and end with USER 10001:10001 (a numeric UID)")
    elif UNKNOWN not in user and user.split(":")[0].strip() in ROOT_USERS:
        yield (line, "DOCKER002", f"the final stage runs as root (USER {user})",
               "end with USER set to an unprivileged user (a numeric UID)")
    for keyword in ("ENTRYPOINT", "CMD"):
        last = next((i for i in reversed(final.instructions) if i.keyword == keyword), None)
        if last is not None and last.exec_form is None and not re.match(r"exec\s", last.args):
            yield (last.line, "DOCKER005",
                   f"{keyword} is in shell form: /bin/sh is PID 1 and SIGTERM never reaches the application",
                   f'{keyword} ["executable", "arg", ...] (or start the shell command with exec)')


def _effective_user(stage: Stage, stages: list[Stage], global_args: dict, build_args: dict, depth: int = 0):
    """The stage's last USER (resolved) and its line, following FROM <earlier stage>; (None, None): none."""
    variables = dict(global_args)
    user, line = None, None
    for instruction in stage.instructions:
        if instruction.keyword == "ARG":
            variables.update((k, build_args.get(k, global_args.get(k) if v is None else v))
                             for k, v in pairs(instruction.args, "ARG"))
        elif instruction.keyword == "ENV":
            variables.update(pairs(instruction.args))
        elif instruction.keyword == "USER":
            user, line = substitute(instruction.args.strip(), variables), instruction.line
    if user is None and depth < len(stages):
        parent = next((s for s in stages if s.name and s.name.lower() == stage.base.lower() and s is not stage), None)
        if parent is not None:
            return _effective_user(parent, stages, global_args, build_args, depth + 1)
    return user, line


def lint_dockerfile(path: Path, display: str | None = None, build_args: dict[str, str] | None = None,
                    target: str | None = None) -> list[Finding]:
    from infractl.errors import InfractlError
    from infractl.manifests.checks.dockerfile_rules import RULE

    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise InfractlError(f"cannot read {path}: {exc.strerror}") from None
    shown = display or str(path)
    return [RULE[rule].finding(shown, line, None, message, fix)
            for line, rule, message, fix in sorted(dockerfile_hits(text, build_args, target))]
