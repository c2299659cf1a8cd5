"""Committed env files with secret-looking keys (ENV001-ENV003, envfile_rules.py): ``check``'s envfiles
area (manifests/area.py declares it).

Its own area, not the manifests one, because an env file matters wherever it is (a repository with a
Python app and a committed ``.env`` has no manifests to lint), and because what is committed is a
question about the whole repository (``git ls-files``), asked once. Compose files are read only to
know which env files compose reads (ENV002).

A value is never put in a finding: messages name the key and the line.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

from infractl.findings import Finding

_EXAMPLE_PARTS = frozenset({"example", "examples", "sample", "template", "tmpl", "tpl", "dist"})
_MAX_BYTES = 1 << 20  # an env file is a few lines; a bigger one is not read (ENV003 says so)
_LINE = re.compile(r"^\s*(?:export\s+)?(?P<key>[A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(?P<value>.*)$")
_PUBLIC_WORDS = frozenset({"PUBLIC", "PUBLISHABLE", "ANON", "SITE", "GPG", "PGP"})
# Short spellings env files use for passwords (PIHOLE_PW, DB_PASS, MYSQL_PWD); never alone (PWD is the cwd).
_PASSWORD_ABBREVIATIONS = frozenset({"PW", "PWD", "PASS"})
# Words of a value that make it a placeholder, a well-known default or a hint to replace it.
_PLACEHOLDER_WORDS = frozenset({
    "change", "changeme", "changethis", "replace", "replaceme", "example", "sample", "placeholder", "dummy",
    "insecure", "fake", "your", "todo", "fixme", "tbd", "here", "secret", "password", "passwd", "pass", "token",
    "key", "admin", "root", "postgres", "mysql", "redis", "test", "testing", "dev", "development", "local",
    "localhost", "default", "none", "null", "foo", "bar", "qwerty", "letmein", "guest", "demo", "user", "app",
    "notsecret", "unsafe"})
_PLACEHOLDER_SHAPES = re.compile(r"^(?:<.*>|\{\{.*\}\}|\.{3,}|\*{3,}|(.)\1*|1234\d*)$", re.IGNORECASE)


def is_env_file(name: str) -> bool:
    """``.env``, ``*.env``, ``.env.*`` (not ``.envrc``, not a directory name)."""
    return name == ".env" or name.startswith(".env.") or (name.endswith(".env") and len(name) > 4)


def is_example(name: str) -> bool:
    """An env file meant to be copied and filled in: ``.env.example``, ``sample.env``, ``.env.template``."""
    return bool(_EXAMPLE_PARTS.intersection(part.lower() for part in name.split(".")))


def secret_key(name: str) -> bool:
    """A key that names a secret: dockerfile.secret_name's words, a password's short spelling, or any
    ``*_KEY`` but a public one."""
    from infractl.manifests.checks.dockerfile import secret_name

    words = [w for w in re.split(r"[^A-Za-z0-9]+", name.upper()) if w]
    if _PUBLIC_WORDS.intersection(words):
        return False
    if secret_name(name):
        return True
    return len(words) > 1 and (words[-1] == "KEY" or bool(_PASSWORD_ABBREVIATIONS.intersection(words)))


def is_placeholder(value: str) -> bool:
    text = value.strip()
    if _PLACEHOLDER_SHAPES.match(text):
        return True
    return any(word in _PLACEHOLDER_WORDS or word.startswith(("change", "replace"))
               for word in re.findall(r"[a-z]+", text.lower()))


def _unquoted(raw: str) -> str:
    """A value as compose reads it: quotes removed, an unquoted `` #`` comment dropped."""
    raw = raw.strip()
    if raw[:1] in ("'", '"'):
        end = raw.find(raw[0], 1)
        return raw[1:end] if end > 0 else raw[1:]
    return re.split(r"\s+#", raw, maxsplit=1)[0].strip()


def secret_lines(text: str) -> Iterator[tuple[int, str, str, bool]]:
    """(line, key, "real" | "placeholder", in a URL) for each secret-looking key with a literal value (or
    a URL with a literal password); empty values and ${VAR} references (set elsewhere) are neither. Only
    the kind leaves here, never the value."""
    from infractl.manifests.checks.compose import _URL_PASSWORD, DEPLOY_SET, interpolate
    from infractl.sanitise.masking import known_tokens

    for number, line in enumerate(text.splitlines(), 1):
        found = _LINE.match(line)
        if not found or line.lstrip().startswith("#"):
            continue
        key, value = found.group("key"), interpolate(_unquoted(found.group("value")))
        password = _URL_PASSWORD.search(value)
        if password:
            literal = password.group("password")
        elif secret_key(key) or any(known_tokens(value)):  # a named secret, or a token of a published format
            literal = value
        else:
            continue
        if DEPLOY_SET in literal or not literal.strip():
            continue
        yield number, key, "placeholder" if is_placeholder(literal) else "real", bool(password)


def committed_env_files(root: Path, exclude: tuple[str, ...], scanner,
                        project_root: Path | None = None) -> tuple[list[Path], str | None]:
    """The env files under ``root`` that are committed, and why git could not say (None when it could):
    tracked by git inside a repository; else (and when git fails) present and not ignored. ``exclude``
    globs are relative to ``project_root`` (default ``root``)."""
    from infractl.rulebook.ignores import gitignore_spec, repository_root

    failure = None
    if repository_root(root.resolve()) is not None:
        listed, failure = _git_tracked(root)
        if listed is not None:
            spec = gitignore_spec(list(exclude)) if exclude else None
            base = (project_root or root).resolve()
            return [root / name for name in listed if is_env_file(name.rsplit("/", 1)[-1])
                    and not (spec and spec.match_file(_relative(root / name, base)))
                    and not os.path.islink(root / name) and (root / name).exists()], None
    from infractl.discover.files import iter_files

    found = iter_files([root], (), exclude, project_root or root, match=is_env_file, cache=scanner and scanner.walks)
    return [path for path in found if not path.is_symlink()], failure


def _relative(path: Path, base: Path) -> str:
    resolved = path.resolve()
    return resolved.relative_to(base).as_posix() if resolved.is_relative_to(base) else path.as_posix()


def _git_tracked(root: Path) -> tuple[list[str] | None, str | None]:
    """``git ls-files`` of the env-file names; (None, why) when git cannot answer. Repository config that
    runs programs (core.fsmonitor) is switched off: the repository may be anyone's."""
    from infractl.process import tools

    argv = ["git", "--no-pager", "-c", "core.fsmonitor=false", "-C", str(root), "ls-files", "-z", "--",
            ":(glob)**/.env", ":(glob)**/*.env", ":(glob)**/.env.*"]
    try:
        done = tools.run(argv, timeout=60)
    except (OSError, tools.ToolTimeout) as exc:
        return None, f"git ls-files: {exc.strerror if isinstance(exc, OSError) else exc}"
    why = done.failure()
    if why:
        return None, f"git ls-files: {why}"
    return sorted(name for name in done.stdout.split("\0") if name), None


def compose_read_env_files(root: Path, compose_files: list[Path]) -> dict[Path, str]:
    """The env files compose reads -> the compose file that reads it: ``.env`` in each compose file's
    directory (its project directory, for ${VAR}) and every ``env_file:`` a service names."""
    from infractl.load import LoadError
    from infractl.load.yamldocs import load_file_documents
    from infractl.manifests.checks.compose import DEPLOY_SET, interpolate

    read: dict[Path, str] = {}
    for compose in compose_files:
        shown = _shown(compose)
        read.setdefault((compose.parent / ".env").resolve(), shown)
        try:
            documents = load_file_documents(compose)
        except LoadError:
            continue  # manifests reports the file (COMPOSE000)
        services = documents[0].get("services") if documents and isinstance(documents[0], dict) else None
        for service in (services or {}).values() if isinstance(services, dict) else ():
            entries = service.get("env_file") if isinstance(service, dict) else None
            for entry in [entries] if isinstance(entries, (str, dict)) else entries or []:
                name = entry.get("path") if isinstance(entry, dict) else entry
                if isinstance(name, str) and DEPLOY_SET not in interpolate(name):
                    read.setdefault((compose.parent / interpolate(name)).resolve(), shown)
    return read


def _shown(path: Path) -> str:
    from infractl.check.protocol import shown

    return str(shown(path))


def judge(path: Path, data: bytes, reader: str | None) -> list[Finding]:
    """ENV001/ENV002 for one committed env file; ``reader`` is the compose file that reads it, if any."""
    from infractl.manifests.checks.review.envfile_rules import RULE

    findings = []
    for line, key, kind, in_url in secret_lines(data.decode("utf-8", "replace")):
        what = f"{key} holds a URL whose password is" if in_url else f"{key} holds"
        if kind == "real":
            findings.append(RULE["ENV001"].finding(
                _shown(path), line, None, f"{what} a real-looking secret in a committed env file (value not "
                "shown)", "rotate it, git rm --cached the file, commit an example with placeholders"))
        elif reader:
            findings.append(RULE["ENV002"].finding(
                _shown(path), line, None, f"{what} a placeholder (value not shown) and {reader} reads this "
                "file: unless the deploy overrides it, the service runs with a secret anyone can read here",
                "leave the value empty here, and require it where compose uses it (${NAME:?set by the deploy})"))
    return findings


def collect(root: Path, exclude: tuple[str, ...], compose_files: list[Path], scanner=None,
            project_root: Path | None = None):
    """The envfiles area's report over ``root`` (None when nothing is committed and git answered):
    ``compose_files`` are those the configuration names, besides the ones found by name; ``exclude``
    globs are relative to ``project_root`` (default ``root``)."""
    from infractl.manifests.checks.review.envfile_rules import RULE
    from infractl.render import Report

    files, failure = committed_env_files(root, exclude, scanner, project_root)
    findings: list[Finding] = []
    if failure and files:  # with no env file on disk there is nothing git's answer could change
        findings.append(RULE["ENV003"].finding(
            _shown(root), None, None, f"cannot tell which env files git tracks ({failure}); judged as "
            "present and not ignored instead", "fix what git's message names"))
    if not files and not findings:
        return None
    readers: dict[Path, str] = {}
    if files:
        from infractl.manifests.kustomize.discover import kustomizations_and_composes

        found = kustomizations_and_composes(root, scanner)[1]
        readers = compose_read_env_files(root, list(dict.fromkeys([*compose_files, *found])))
    for path in files:
        try:
            if path.stat().st_size > _MAX_BYTES:
                raise OSError(0, f"larger than {_MAX_BYTES >> 20} MiB, not read")
            data = scanner.read(str(path)) if scanner is not None else path.read_bytes()
        except OSError as exc:
            findings.append(RULE["ENV003"].finding(_shown(path), None, None, f"env file cannot be read: "
                                                   f"{(exc.strerror or str(exc)).lower()}", "make it readable"))
            continue
        findings += judge(path, data, readers.get(path.resolve()))
    read = sum(1 for path in files if path.resolve() in readers)
    return Report(command="check", findings=findings, summary={"env_files": len(files), "findings": len(findings)},
                  headline=f"{len(files)} committed env files ({read} read by compose)", group_by_path=True)
