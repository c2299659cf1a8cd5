"""Real PyPI projects that call utcnow() and ship their tests: run their suites before and after fix-datetime.

Each project is a pinned sdist (sha256 checked) with its tests inside, and a pinned set of test dependencies
that was resolved and verified on Debian 12 / CPython 3.11 (project list and pins from the research harness
of issue 6). Everything is cached in the machine-wide test cache (``support.cache``: ~/.cache/infractl-tests/real-projects): the sdists (pip
download), the unpacked trees, one venv per project, and the baseline test outcomes. The project itself is
not installed: its tests import it from the tree through PYTHONPATH, so the rewritten copy is what runs.
Working copies are made in a temporary directory, outside this repository.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import venv
from dataclasses import dataclass
from pathlib import Path

from support.archives import extract_tar
from support.cache import cache_dir

ROOT = Path(__file__).resolve().parents[2]
CACHE = cache_dir("real-projects")
# Working copies live outside this repository: inside it, its .gitignore (which ignores .cache/) and its
# pytest configuration would apply to the projects.
WORK = Path(tempfile.gettempdir()) / f"infractl-real-projects-{os.getuid()}"
COMMON = ("pytest==7.4.4", "iniconfig==2.3.1", "packaging==26.4", "pluggy==1.7.0")
# variables that change the projects' test results on this machine
UNSET_ENV = ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "PYTHONPATH", "PYTEST_ADDOPTS", "VIRTUAL_ENV")


class IndexUnreachable(RuntimeError):
    """pip could not reach the package index: the caller skips, saying so."""


@dataclass(frozen=True)
class Project:
    name: str
    requirement: str
    sdist: str
    sha256: str
    deps: tuple[str, ...]
    tests: tuple[str, ...]  # pytest arguments, relative to the tree
    deselect: tuple[str, ...] = ()  # broken before any rewrite (on Python 3.11)
    pythonpath: tuple[str, ...] = (".",)


PROJECTS = (
    Project("itsdangerous", "itsdangerous==1.1.0", "itsdangerous-1.1.0.tar.gz",
            "321b033d07f2a4136d3ec762eac9f16a10ccd60f53c0c91af90217ace7ba1f19",
            COMMON + ("freezegun==1.5.5", "python-dateutil==4.0.0", "tzdata==2026.6"), ("tests",),
            pythonpath=("src",)),
    Project("croniter", "croniter==1.3.8", "croniter-1.3.8.tar.gz",
            "32a5ec04e97ec0837bcdf013767abd2e71cceeefd3c2e14c804098ce51ad6cd9",
            COMMON + ("mock==5.2.0", "python-dateutil==4.0.0", "pytz==2026.6", "tzdata==2026.6", "tzlocal==5.4.5"),
            ("src/croniter/tests",), pythonpath=("src",)),
    Project("webob", "WebOb==1.8.7", "WebOb-1.8.7.tar.gz",
            "b64ef5141be559cfade448f044fa45c2260351edcb6a8ef6b7e00c7dcef0c323", COMMON, ("tests",),
            deselect=(  # tests/conftest.py calls Thread.isAlive(), removed in Python 3.9
                "tests/test_client_functional.py::test_client", "tests/test_client_functional.py::test_no_content_length",
                "tests/test_client_functional.py::test_client_cookies", "tests/test_client_functional.py::test_client_slow",
                "tests/test_in_wsgiref.py::test_request_reading", "tests/test_in_wsgiref.py::test_interrupted_request"),
            pythonpath=("src",)),
    Project("flask-login", "Flask-Login==0.5.0", "Flask-Login-0.5.0.tar.gz",
            "6d33aef15b5bcead780acc339464aae8a6e28f13c90d8b1cf9de8b549d1c0b4b",
            COMMON + ("Flask==1.1.4", "Werkzeug==1.0.1", "Jinja2==2.11.3", "MarkupSafe==2.0.1", "itsdangerous==1.1.0",
                      "click==7.1.2", "blinker==1.9.0", "semantic-version==2.10.0", "mock==5.2.0"),
            ("test_login.py",), deselect=("test_login.py::UserMixinTestCase::test_hashable",)),  # collections.Hashable
    Project("requests-cache", "requests-cache==0.9.8", "requests_cache-0.9.8.tar.gz",
            "eaed4eb5fd5c392ba5e7cfa000d4ab96b1d32c1a1620f37aa558c43741ac362b",
            COMMON + ("appdirs==1.4.4", "attrs==22.2.0", "cattrs==22.2.0", "certifi==2026.10.19.post1",
                      "charset-normalizer==3.5.3", "idna==3.20", "itsdangerous==2.2.0", "PyYAML==6.0.4",
                      "requests==2.28.2", "requests-mock==1.10.0", "responses==0.16.0", "six==1.17.0",
                      "timeout-decorator==0.5.0", "ujson==6.1.0", "url-normalize==1.4.3", "urllib3==1.26.20"),
            ("tests/unit",)),  # tests/integration needs redis, mongodb, dynamodb, httpbin
    Project("docker", "docker==6.1.3", "docker-6.1.3.tar.gz",
            "aa6d17830045ba5ef0168d5eaa34d37beeb113948c413affe1d5991fc11f9a20",
            COMMON + ("bcrypt==5.0.0", "certifi==2026.10.19.post1", "cffi==2.1.1", "charset-normalizer==3.5.3",
                      "cryptography==50.0.2", "idna==3.20", "invoke==3.0.3", "paramiko==5.1.0", "pycparser==3.12",
                      "PyNaCl==1.6.2", "requests==2.31.0", "urllib3==1.26.20", "websocket-client==1.9.2"),
            ("tests/unit",)),  # tests/integration needs a Docker daemon
)

# A pytest plugin that writes every test's outcome and the file:line of each frame of a failure.
# freezegun itself (not in PROJECTS: its own suite is proved in test_real_stub_fakes.py, and its
# source is the real freezegun the tz_offset stub cases run under)
FREEZEGUN = Project("freezegun", "freezegun==1.5.5", "freezegun-1.5.5.tar.gz",
                    "ac7742a6cc6c25a2c35e9292dfd554b897b517d2dec26891a2e8debf205cb94a",
                    COMMON + ("python-dateutil==2.9.0.post0", "six==1.17.0"), ("tests",))

PLUGIN = r'''
import json, os

_results, _frames = {}, {}

def _locations(report):
    entries = getattr(getattr(report.longrepr, "reprtraceback", None), "reprentries", [])
    found = []
    for entry in entries:
        loc = getattr(entry, "reprfileloc", None)
        if loc is not None:
            found.append([loc.path, loc.lineno])
    return found

def pytest_collectreport(report):
    if report.failed:
        _results[report.nodeid] = "error"

def pytest_runtest_logreport(report):
    if report.when == "call" and not hasattr(report, "wasxfail"):
        _results[report.nodeid] = report.outcome
    elif report.when == "call":
        _results[report.nodeid] = "xfailed"
    elif report.failed:
        _results[report.nodeid] = "error"
    elif report.skipped and report.when == "setup":
        _results[report.nodeid] = "skipped"
    if report.failed:
        _frames[report.nodeid] = _locations(report)

def pytest_sessionfinish(session, exitstatus):
    with open(os.environ["REAL_PROJECT_RESULTS"], "w") as f:
        json.dump({"outcomes": _results, "frames": _frames}, f)
'''


def _pip(*args: str, python: str = sys.executable) -> None:
    proc = subprocess.run([python, "-m", "pip", *args], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        text = proc.stdout + proc.stderr
        if any(s in text for s in ("Could not find a version", "NewConnectionError", "Network is unreachable",
                                   "No matching distribution", "Temporary failure in name resolution")):
            raise IndexUnreachable(f"pip {args[0]}: {text.strip().splitlines()[-1]}")
        raise RuntimeError(f"pip {' '.join(args)} failed:\n{text[-2000:]}")


def tree(project: Project) -> Path:
    """The unpacked sdist (downloaded once with pip, sha256 checked)."""
    sdist = CACHE / "sdists" / project.sdist
    if not sdist.exists():
        sdist.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=sdist.parent) as tmp:
            _pip("download", "-q", "--no-deps", "--no-binary", ":all:", project.requirement, "-d", tmp)
            (Path(tmp) / project.sdist).replace(sdist)
    digest = hashlib.sha256(sdist.read_bytes()).hexdigest()
    if digest != project.sha256:
        raise RuntimeError(f"{project.sdist}: sha256 {digest}, pinned {project.sha256}")
    root = CACHE / "trees" / project.name
    if not (root / ".unpacked").exists():
        shutil.rmtree(root, ignore_errors=True)
        root.mkdir(parents=True)
        with tarfile.open(sdist) as archive:
            extract_tar(archive, root)
        (root / ".unpacked").write_text(project.sha256)
    (top,) = [d for d in root.iterdir() if d.is_dir()]
    return top


def environment(project: Project) -> Path:
    """The project's venv with its pinned test dependencies (created once)."""
    home = CACHE / "venvs" / project.name
    stamp = home / ".deps.json"
    wanted = json.dumps(sorted(project.deps))
    if not (stamp.exists() and stamp.read_text() == wanted):
        shutil.rmtree(home, ignore_errors=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(home)
        _pip("install", "-q", *project.deps, python=str(home / "bin" / "python"))
        stamp.write_text(wanted)
    return home


def working_copy(project: Project, label: str) -> Path:
    target = WORK / project.name / label
    shutil.rmtree(target, ignore_errors=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(tree(project), target)
    return target


def run_tests(project: Project, where: Path) -> dict:
    """{"outcomes": {test id: outcome}, "frames": {failing id: [[path, line], ...]}} of one pytest run."""
    home = environment(project)
    plugin = CACHE / "plugin"
    plugin.mkdir(parents=True, exist_ok=True)
    (plugin / "_real_project_results.py").write_text(PLUGIN)
    results = where / ".results.json"
    env = {k: v for k, v in os.environ.items() if k not in UNSET_ENV}
    env.update(PYTHONPATH=os.pathsep.join([str(plugin), *(str(where / p) for p in project.pythonpath)]),
               REAL_PROJECT_RESULTS=str(results), PYTHONDONTWRITEBYTECODE="1")
    command = [str(home / "bin" / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", ".",
               "-p", "_real_project_results", *project.tests]
    for node in project.deselect:
        command += ["--deselect", node]
    proc = subprocess.run(command, cwd=where, env=env, capture_output=True, text=True, timeout=900, check=False)
    if not results.exists():
        raise RuntimeError(f"{project.name}: pytest wrote no results:\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
    data = json.loads(results.read_text())
    results.unlink()
    return data


def baseline(project: Project) -> dict:
    """The suite's outcomes on the untouched tree (cached per pins)."""
    key = hashlib.sha256(json.dumps([project.sha256, project.deps, project.tests, project.deselect]).encode())
    path = CACHE / "baseline" / f"{project.name}-{key.hexdigest()[:12]}.json"
    if not path.exists():
        data = run_tests(project, working_copy(project, "baseline"))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data))
    return json.loads(path.read_text())


def baseline_or_skip(project: Project) -> dict:
    """``baseline``, or the test skipped when the package index cannot be reached to fetch the project."""
    import pytest

    try:
        return baseline(project)
    except IndexUnreachable as exc:
        pytest.skip(f"the package index cannot be reached, so {project.requirement} cannot be fetched: {exc}")


def changed_outcomes(before: dict, after: dict) -> dict[str, tuple[str, str | None]]:
    """Each test of ``before`` whose outcome is not the same in ``after``: (before, after)."""
    return {t: (o, after["outcomes"].get(t)) for t, o in before["outcomes"].items() if after["outcomes"].get(t) != o}


def infractl(where: Path, *args: str) -> subprocess.CompletedProcess:
    """This checkout's infractl, as a user runs it, inside the working copy."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run([sys.executable, "-m", "infractl", *args], cwd=where, env=env, capture_output=True,
                          text=True, timeout=600, check=False)


def trace_breaks(broken: list[str], frames: dict, hazards: list[dict], where: Path) -> dict[str, str | None]:
    """For each broken test, how a hazard predicted it, or None.

    "frame: <hazard>": a frame of the failure is a line with a hazard (e.g. the comparison that raised).
    "module: <hazard>": the test file has a hazard, or imports (or patches the clock of) a module that has
    one (so does a file in the failure's frames): the value the test checks came from a reported site
    (e.g. returned from a public function, DT109). ``hazards`` carry the lines of the rewritten files
    (the write run's findings)."""
    at = {(h["path"], h["line"]): f'{h["path"]}:{h["line"]} {h["rule"]}' for h in hazards}
    by_module: dict[str, str] = {}
    for h in hazards:
        dotted = h["path"].removesuffix(".py").replace("/", ".").removesuffix(".__init__")
        by_module.setdefault(dotted, f'{h["path"]}:{h["line"]} {h["rule"]}')
    traced: dict[str, str | None] = {}
    for test in broken:
        found = None
        for path, line in frames.get(test, []):
            rel = os.path.relpath(path, where) if os.path.isabs(path) else path
            if (rel, line) in at:
                found = f"frame: {at[rel, line]}"
                break
        # the test file and every file of the failure's frames (an inherited test runs in its base's file)
        files = {test.split("::", 1)[0]} | {
            os.path.relpath(path, where) if os.path.isabs(path) else path for path, _ in frames.get(test, [])}
        files = {f for f in files if not f.startswith("..") and (where / f).is_file()}
        if found is None:
            names = set()
            for file in files:
                names |= {file.removesuffix(".py").replace("/", ".")} | _imported((where / file).read_text(errors="replace"))
            for dotted, hazard in by_module.items():
                if any(dotted == n or dotted.endswith("." + n) for n in names):
                    found = f"module: {hazard}"
                    break
        traced[test] = found
    return traced


def _imported(source: str) -> set[str]:
    """Modules a test file imports or patches: ``from a.b import c`` gives a.b and a.b.c."""
    import re

    names = set()
    pattern = r"^[ \t]*from[ \t]+\.*([\w.]+)[ \t]+import[ \t]+(?:\(([^)]*)\)|([\w, \t]+))"
    for match in re.finditer(pattern, source, re.MULTILINE):
        names.add(match.group(1))
        imported = match.group(2) or match.group(3)
        names.update(f"{match.group(1)}.{n.split()[0]}" for n in imported.split(",") if n.split())
    names.update(re.findall(r"^\s*import\s+([\w.]+)", source, re.MULTILINE))
    names.update(re.findall(r"""patch\(\s*['"]([\w.]+)\.datetime['"]""", source))
    return names


# --- fix-datetime --verify on these projects (issue 16): tests/fix_datetime/test_real_verify.py and
# benchmarks/verify_real.py share these, so the table the README quotes is what the test asserts.

REWRITES = ("DT010", "DT011")


def verify_command(project: Project) -> str:
    """The harness's pytest run of ``project``, as a user gives it to ``--verify``: the project's venv,
    its tests from the tree through PYTHONPATH (set by ``env``, as a shell user would)."""
    import shlex

    python = environment(project) / "bin" / "python"
    words = ["env", f"PYTHONPATH={os.pathsep.join(project.pythonpath)}", str(python), "-m", "pytest", "-q",
             "--rootdir", ".", *project.tests]
    for node in project.deselect:
        words += ["--deselect", node]
    return " ".join(shlex.quote(word) for word in words)


def infractl_clean(where: Path, *args: str) -> subprocess.CompletedProcess:
    """This checkout's ``infractl`` (its src/ first on PYTHONPATH), without the variables that change the
    projects' results (CMD inherits infractl's environment; it sets its own PYTHONPATH)."""
    env = {k: v for k, v in os.environ.items() if k not in UNSET_ENV} | {"PYTHONPATH": str(ROOT / "src")}
    return subprocess.run([sys.executable, "-m", "infractl", *args], cwd=where, env=env, capture_output=True,
                          text=True, timeout=900, check=False)


def site_counts(findings: list[dict]) -> dict[str, int]:
    """Sites by what the run does with them: ``aware`` (rewritten, no DT012), ``naive`` (rewritten, kept
    naive: DT012 at its line), ``held`` (not rewritten: DT107 at a line with no rewrite)."""
    rewritten = {(f["path"], f["line"]) for f in findings if f["rule"] in REWRITES}
    naive = {(f["path"], f["line"]) for f in findings if f["rule"] == "DT012"} & rewritten
    held = {(f["path"], f["line"]) for f in findings if f["rule"] == "DT107"} - rewritten
    return {"aware": len(rewritten - naive), "naive": len(naive), "held": len(held)}


def verify_outcome_sites(findings: list[dict]) -> dict[str, list[dict]]:
    """The sites --verify decided (the ones auto kept naive only because it cannot follow them):
    ``aware`` (DT020), ``naive`` (DT012 naming the tests, "(--verify)"), ``undecided`` (DT022)."""
    return {"aware": [f for f in findings if f["rule"] == "DT020"],
            "naive": [f for f in findings if f["rule"] == "DT012" and f["message"].endswith("(--verify)")],
            "undecided": [f for f in findings if f["rule"] == "DT022"]}


def verify_row(project: Project, budget: str) -> dict:
    """One row of the README's table: auto's sites, then ``fix-datetime --verify`` written into a working
    copy, its sites, and the suite's outcomes before and after (the harness's own run, test by test)."""
    import time

    before = baseline(project)
    where = working_copy(project, "verify")
    auto = json.loads(infractl_clean(where, "fix-datetime", ".", "--check", "--json").stdout)
    started = time.monotonic()
    run = infractl_clean(where, "fix-datetime", ".", "--json", "--verify", verify_command(project),
                         "--verify-budget", budget)
    seconds = time.monotonic() - started
    report = json.loads(run.stdout) if run.stdout.startswith("{") else {}
    findings = report.get("findings", [])
    after = run_tests(project, where)
    return {"project": project.name, "status": run.returncode, "stderr": run.stderr[-2000:], "report": report,
            "tests": len(before["outcomes"]), "before": site_counts(auto["findings"]),
            "after": site_counts(findings), "decided": verify_outcome_sites(findings),
            "runs": report.get("summary", {}).get("verify", {}).get("runs"), "seconds": seconds,
            "changed": changed_outcomes(before, after), "appeared": sorted(set(after["outcomes"]) - set(before["outcomes"]))}


# the projects --verify is proven on (their suites are small enough for CI), and its budget for each
VERIFY_PROJECTS = ("itsdangerous", "croniter", "flask-login", "docker", "botocore")
VERIFY_BUDGET = "16,10m"


def verify_table(rows: list[dict]) -> str:
    """The README's table: sites aware/naive/held by auto and after --verify, the open sites' verdicts,
    test outcomes changed, CMD runs and wall time."""
    lines = [("| project | tests | auto: aware / naive / held | --verify: aware / naive / held | open sites: "
             "aware (DT020) / kept naive by a test (DT012) / undecided | outcomes changed | CMD runs | wall time |"),
             "|---|---|---|---|---|---|---|---|"]
    for row in rows:
        b, a, d = row["before"], row["after"], row["decided"]
        lines.append(f"| {row['project']} | {row['tests']} | {b['aware']} / {b['naive']} / {b['held']} | "
                     f"{a['aware']} / {a['naive']} / {a['held']} | {len(d['aware'])} / {len(d['naive'])} / "
                     f"{len(d['undecided'])} | {len(row['changed']) + len(row['appeared'])} | {row['runs']} | "
                     f"{row['seconds']:.0f} s |")
    return "\n".join(lines)
