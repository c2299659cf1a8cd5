"""One input or one area that fails is a finding where it failed; every other input and area still reports.

An unexpected exception is an infractl bug: CHK002 on that input, naming the exception (masked), exit 1,
never "internal error"."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from infractl import cli
from infractl.check import areas

LEAKY = "postgresql://app:Zq7-isolation-canary@db/app"


def repository(tmp_path):
    for name in ("api", "worker"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "Dockerfile").write_text("FROM python:latest\nUSER app\n", encoding="utf-8")
    (tmp_path / "app.py").write_text("import datetime\n\nSTARTED = datetime.datetime.utcnow()\n", encoding="utf-8")
    return tmp_path


def check(root, monkeypatch):
    monkeypatch.chdir(root)
    result = CliRunner().invoke(cli.app, ["check", "--json", "."])
    assert "internal error" not in result.output
    assert LEAKY.split("@")[0].split(":")[-1] not in result.output  # the password of the URL in the message
    return result.exit_code, json.loads(result.stdout)


def test_a_bug_on_one_dockerfile_is_a_finding_on_it_and_the_rest_still_reports(tmp_path, monkeypatch):
    from infractl.manifests.checks import dockerfile

    real = dockerfile.lint_dockerfile

    def lint_dockerfile(path, *args, **kwargs):
        if path.parent.name == "worker":
            raise ValueError(f"cannot connect to {LEAKY}")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(dockerfile, "lint_dockerfile", lint_dockerfile)
    code, report = check(repository(tmp_path), monkeypatch)
    assert code == 1
    found = {(f["path"], f["rule"]) for f in report["findings"]}
    assert ("api/Dockerfile", "DOCKER001") in found  # the other input of the same area
    assert ("app.py", "DT010") in found  # another area
    [bug] = [f for f in report["findings"] if f["rule"] == "CHK002"]
    assert bug["path"] == "worker/Dockerfile" and bug["severity"] == "error"
    assert bug["message"] == ("manifests: infractl failed on this input: ValueError: cannot connect to "
                              "postgresql://app:***@db/app")
    assert not any(f["path"] == "worker/Dockerfile" and f["rule"] != "CHK002" for f in report["findings"])


def test_a_bug_in_a_whole_area_is_a_finding_on_the_repository(tmp_path, monkeypatch):
    def broken(root, config, scanner):
        raise KeyError("dashboards")

    monkeypatch.setitem(areas.AREAS, "manifests", broken)
    code, report = check(repository(tmp_path), monkeypatch)
    assert code == 1
    [bug] = [f for f in report["findings"] if f["rule"] == "CHK002"]
    assert bug["path"] == "." and bug["message"] == "manifests: infractl failed on this input: KeyError: 'dashboards'"
    assert ("app.py", "DT010") in {(f["path"], f["rule"]) for f in report["findings"]}
    assert report["areas"]["manifests"] == "failed"


def test_an_input_that_cannot_be_read_is_a_finding_on_it(tmp_path, monkeypatch):
    root = repository(tmp_path)
    (root / "pyproject.toml").write_text('[tool.infractl.manifests]\ncompose_files = ["gone.yml"]\n'
                                         'dockerfiles = ["api/Dockerfile"]\n', encoding="utf-8")
    code, report = check(root, monkeypatch)
    assert code == 1
    # the compose loader reports it on the file itself (COMPOSE000), so no CHK001 is left to say it
    [failed] = [f for f in report["findings"] if f["path"] == "gone.yml"]
    assert failed["rule"] == "COMPOSE000" and failed["severity"] == "error"
    assert failed["message"] == "cannot be read: No such file or directory"
    assert ("api/Dockerfile", "DOCKER001") in {(f["path"], f["rule"]) for f in report["findings"]}
