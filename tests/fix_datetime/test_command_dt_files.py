"""fix-datetime on real files: what is rewritten, what is kept byte for byte, what is skipped."""

import codecs
import shutil
import stat

import pytest
from support.fixdt import FIXTURE, run_fix, snapshot

from infractl.errors import InfractlError
from infractl.fix_datetime import workers

NAIVE = (b"utcnow", b"utcfromtimestamp")


def fix(capsys, *paths, fmt="json", **options):
    """(exit code, stdout parsed when JSON) of an in-process run."""
    return run_fix(capsys, *paths, fmt=fmt, **options)[:2]


def test_fixture_tree_is_rewritten_and_still_compiles(service, capsys):
    code, report = fix(capsys)
    assert code == 0
    changed = {f["path"] for f in report["files"] if f["changed"]}
    assert changed == {"app/db.py", "app/models.py", "app/clock.py", "app/api/handlers.py"}
    for rel in changed:
        source = (service / rel).read_bytes()
        assert not any(word in source for word in NAIVE), rel
        compile(source, rel, "exec")
    assert b"utcnow" in (service / "scripts/cron.py").read_bytes()  # excluded by the tree's config
    assert report["summary"]["files_scanned"] == 7  # scripts/ is excluded before scanning


CASES = {
    # The reference makes the transform add a helper function: its new lines must be CRLF too.
    "crlf": b"from datetime import datetime\r\n\r\nx = datetime.utcnow()\r\nDEFAULT = datetime.utcnow\r\n",
    "bom": codecs.BOM_UTF8 + b"from datetime import datetime\n# caf\xc3\xa9\nx = datetime.utcnow()\n",
    "latin1": b"# -*- coding: latin-1 -*-\nfrom datetime import datetime\nNAME = 'caf\xe9'\nx = datetime.utcnow()\n",
    "no_final_newline": b"from datetime import datetime\nx = datetime.utcnow()",
}


@pytest.mark.parametrize("name", CASES)
def test_file_bytes_outside_the_rewrite_are_kept(tmp_path, monkeypatch, capsys, name):
    path = tmp_path / f"{name}.py"
    path.write_bytes(CASES[name])
    monkeypatch.chdir(tmp_path)
    code, report = fix(capsys)
    assert code == 0 and report["summary"]["files_changed"] == 1
    data = path.read_bytes()
    assert b"utcnow" not in data and b"timezone" in data
    if name == "crlf":
        assert data.count(b"\n") == data.count(b"\r\n") > CASES[name].count(b"\r\n")  # added lines too
    if name == "bom":
        assert data.startswith(codecs.BOM_UTF8) and b"caf\xc3\xa9" in data and not data[3:].startswith(codecs.BOM_UTF8)
    if name == "latin1":
        assert data.startswith(b"# -*- coding: latin-1 -*-\n") and b"'caf\xe9'" in data
        data.decode("latin-1")  # still the declared encoding
    if name == "no_final_newline":
        assert not data.endswith(b"\n")
    compile(data, name, "exec")


def test_permission_bits_are_kept(tmp_path, monkeypatch, capsys):
    script = tmp_path / "tool.py"
    script.write_bytes(b"#!/usr/bin/env python3\nfrom datetime import datetime\nprint(datetime.utcnow())\n")
    script.chmod(0o755)
    monkeypatch.chdir(tmp_path)
    assert fix(capsys)[0] == 0
    assert b"utcnow" not in script.read_bytes()
    assert stat.S_IMODE(script.stat().st_mode) == 0o755


def test_second_run_changes_nothing_and_touches_nothing(service, capsys):
    assert fix(capsys)[0] == 0
    before = snapshot(service)
    mtimes = {p: p.stat().st_mtime_ns for p in service.rglob("*.py")}
    code, report = fix(capsys)
    assert code == 0
    assert report["summary"]["files_changed"] == 0 and report["summary"]["rewrites"] == 0
    assert snapshot(service) == before
    assert mtimes == {p: p.stat().st_mtime_ns for p in service.rglob("*.py")}


def test_syntax_error_is_reported_left_alone_and_the_rest_is_fixed(service, capsys):
    broken = service / "app" / "broken.py"
    broken.write_bytes(b"from datetime import datetime\ndef f(:\n    return datetime.utcnow()\n")
    code, report = fix(capsys)
    assert code == 1  # an error finding
    assert broken.read_bytes() == b"from datetime import datetime\ndef f(:\n    return datetime.utcnow()\n"
    errors = [f for f in report["findings"] if f["severity"] == "error"]
    assert [(f["path"], f["rule"]) for f in errors] == [("app/broken.py", "DT001")]
    assert errors[0]["line"] == 2  # the line Python names, not the token after it (issue 16)
    assert b"utcnow" not in (service / "app" / "models.py").read_bytes()
    assert report["summary"]["files_changed"] == 4


def test_undecodable_file_is_reported_and_left_alone(tmp_path, monkeypatch, capsys):
    # A real call (a mere mention in a comment no longer makes a file a candidate: see test_prefilter).
    bad = b"from datetime import datetime\nx = '\xff'\ny = datetime.utcnow()\n"
    (tmp_path / "bad.py").write_bytes(bad)
    (tmp_path / "good.py").write_bytes(b"from datetime import datetime\nx = datetime.utcnow()\n")
    monkeypatch.chdir(tmp_path)
    code, report = fix(capsys)
    assert code == 1
    errors = [(f["path"], f["rule"], f["line"]) for f in report["findings"] if f["severity"] == "error"]
    assert errors == [("bad.py", "DT002", 2)]
    assert ("good.py", "DT010", 2) in [(f["path"], f["rule"], f["line"]) for f in report["findings"]]
    assert (tmp_path / "bad.py").read_bytes() == bad
    assert b"utcnow" not in (tmp_path / "good.py").read_bytes()


def test_exit_2_when_no_candidate_could_be_processed(tmp_path, monkeypatch, capsys):
    (tmp_path / "a.py").write_bytes(b"x = datetime.utcnow(\n")
    (tmp_path / "b.py").write_bytes(b"def (: datetime.utcfromtimestamp\n")  # the attribute: may be the stdlib's
    (tmp_path / "c.py").write_bytes(b"def (: utcfromtimestamp\n")  # a bare name is never the stdlib's: not parsed
    (tmp_path / "clean.py").write_bytes(b"x = 1\n")  # not a candidate: never parsed
    monkeypatch.chdir(tmp_path)
    code, report = fix(capsys)
    assert code == 2
    assert sorted(f["path"] for f in report["findings"]) == ["a.py", "b.py"]


def test_nothing_to_do_is_exit_0(tmp_path, monkeypatch, capsys):
    (tmp_path / "clean.py").write_bytes(b"x = 1\n")
    monkeypatch.chdir(tmp_path)
    assert fix(capsys)[0] == 0


def test_missing_path_is_a_usage_error(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InfractlError, match="does not exist: nope"):
        fix(capsys, "nope")


def test_gitignore_virtualenvs_build_and_exclude_are_honoured(service, capsys):
    pending = b"from datetime import datetime\nx = datetime.utcnow()\n"
    for rel in ["generated/out.py", "env/lib/site.py", "build/lib/app.py", ".venv/lib/x.py", "vendor/lib.py"]:
        (service / rel).parent.mkdir(parents=True, exist_ok=True)
        (service / rel).write_bytes(pending)
    (service / ".gitignore").write_text("generated/\n")
    (service / "env" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    code, report = fix(capsys, exclude=["vendor/*"])
    assert code == 0
    for rel in ["generated/out.py", "env/lib/site.py", "build/lib/app.py", ".venv/lib/x.py", "vendor/lib.py"]:
        assert (service / rel).read_bytes() == pending, rel
    assert all(not f["path"].startswith(("generated", "env", "build", ".venv", "vendor")) for f in report["files"])


def test_config_is_read_and_flags_win(service, capsys):
    pyproject = service / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + 'mode = "naive"\ntarget_version = "py311"\njobs = 1\n')
    code, report = fix(capsys, "app", check=True)
    assert code == 1
    assert (report["mode"], report["target_version"]) == ("naive", "py311")
    code, report = fix(capsys, "app", check=True, mode="aware", target_version="py38",
                       exclude=["app/clock.py"])
    assert (report["mode"], report["target_version"]) == ("aware", "py38")
    paths = {f["path"] for f in report["files"]}
    assert "app/clock.py" not in paths and "app/db.py" in paths  # flag excludes add to the config's
    code, report = fix(capsys, "scripts/cron.py", check=True)
    # the config's exclude applies to a file named explicitly too, and the run says so
    assert [(f["path"], f["changed"]) for f in report["files"]] == [("scripts/cron.py", False)]
    assert [(f["rule"], f["severity"]) for f in report["findings"]] == [("DT007", "info")]


def test_mode_from_config_changes_the_rewrite(service, capsys):
    fix(capsys, "app/models.py")
    default = (service / "app" / "models.py").read_bytes()
    rewrites = {}
    pyproject = service / "pyproject.toml"
    original = pyproject.read_text()
    for mode in ("auto", "aware", "naive"):
        shutil.copy(FIXTURE / "app" / "models.py", service / "app" / "models.py")
        pyproject.write_text(original + f'mode = "{mode}"\n')
        fix(capsys, "app/models.py")
        rewrites[mode] = (service / "app" / "models.py").read_bytes()
    assert rewrites["auto"] == default  # auto is the default
    assert rewrites["aware"] != rewrites["naive"] and b"tzinfo=None" in rewrites["naive"]
    assert b"tzinfo=None" not in rewrites["aware"]


def test_bad_config_is_a_usage_error(service, capsys):
    pyproject = service / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + 'mode = "sometimes"\n')
    with pytest.raises(InfractlError, match="mode must be one of"):
        fix(capsys)
    pyproject.write_text(pyproject.read_text().replace('mode = "sometimes"', "colour = 1"))
    with pytest.raises(InfractlError, match="unknown key 'colour'"):
        fix(capsys)


def test_process_pool_gives_the_same_result_as_in_process(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(workers, "POOL_MIN_SECONDS", 0)
    monkeypatch.setattr(workers, "POOL_MIN_FILES", 1)
    pooled = []
    real_pool = workers._fix_in_pool
    monkeypatch.setattr(workers, "_fix_in_pool", lambda *a: pooled.append(a[3]) or real_pool(*a))
    trees = {}
    for jobs in (1, 2):
        tree = tmp_path / f"jobs{jobs}"
        shutil.copytree(FIXTURE, tree)
        (tree / "app" / "broken.py").write_bytes(b"import datetime\nx = datetime.datetime.utcnow(\n")
        monkeypatch.chdir(tree)
        code, report = fix(capsys, jobs=jobs)
        trees[jobs] = (code, report, snapshot(tree))
    assert pooled == [2]  # jobs=2 really went through the pool, jobs=1 did not
    assert trees[1] == trees[2]
    assert trees[1][1]["summary"]["files_changed"] == 4

