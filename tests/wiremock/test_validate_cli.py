"""``infractl wiremock validate`` through the CLI: exact findings on the repo's trees, every output format,
select/ignore, config."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from support.wiremock_real import REPO, remove_tree, world_readable_tmpdir, write_tree
from typer.testing import CliRunner

from infractl.cli import app
from infractl.wiremock.mappings.rules import EXAMPLES

EXAMPLE = "examples/webhook-receiver/wiremock"


def invoke(*args: str, cwd=REPO):
    return subprocess.run([sys.executable, "-m", "infractl", "wiremock", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=60, check=False)


@pytest.fixture
def root():
    path = world_readable_tmpdir()
    yield path / "wm"
    remove_tree(path)


def test_bundled_default_directory_is_clean():
    done = invoke("validate", "--json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["findings"] == []
    assert document["summary"]["stubs"] == 6 and document["summary"]["mapping_files"] == 4


def test_webhook_receiver_example_exact_findings():
    done = invoke("validate", EXAMPLE, "--json")
    assert done.returncode == 1
    found = [(f["path"], f["line"], f["column"], f["rule"], f["severity"]) for f in json.loads(done.stdout)["findings"]]
    assert found == [
        (f"{EXAMPLE}/mappings/create-refund.json", 2, 3, "WM007", "error"),
        (f"{EXAMPLE}/mappings/get-charge.json", 11, 5, "WM010", "error"),
    ]


def test_plain_output_names_file_line_column_and_never_cuts():
    done = invoke("validate", EXAMPLE)
    assert done.returncode == 1
    assert f"{EXAMPLE}/mappings/create-refund.json:2:3: WM007 error id 'refund-created' is not a UUID: " in done.stdout
    assert f"create {EXAMPLE}/__files/charge_ch_3MxT9a.json or fix the name\n" in done.stdout
    assert "3 mapping files, 3 stubs, 2 findings: 2 errors, 0 warnings, 0 info" in done.stdout


def test_sarif_and_github_carry_every_finding():
    sarif = json.loads(invoke("validate", EXAMPLE, "--format", "sarif").stdout)
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["WM007", "WM010"]
    assert {r["id"] for r in sarif["runs"][0]["tool"]["driver"]["rules"]} == {"WM007", "WM010"}
    github = invoke("validate", EXAMPLE, "--format", "github").stdout.splitlines()
    assert github[0].startswith(f"::error file={EXAMPLE}/mappings/create-refund.json,line=2,col=3,title=WM007::")
    assert len(github) == 2


def test_select_and_ignore_flags_and_config(root):
    write_tree(root, {**EXAMPLES["WM007"].bad, "mappings/x.JSON": "{}"})
    runner = CliRunner()
    both = runner.invoke(app, ["wiremock", "validate", str(root), "--json"])
    assert {f["rule"] for f in json.loads(both.stdout)["findings"]} == {"WM007", "WM014"}
    only = runner.invoke(app, ["wiremock", "validate", str(root), "--json", "--select", "WM014"])
    assert [f["rule"] for f in json.loads(only.stdout)["findings"]] == ["WM014"] and only.exit_code == 0
    (root / "infractl.toml").write_text('[wiremock]\nignore = ["WM007"]\n')
    configured = runner.invoke(app, ["wiremock", "validate", str(root), "--json"])
    assert [f["rule"] for f in json.loads(configured.stdout)["findings"]] == ["WM014"]
    assert configured.exit_code == 0  # a warning alone does not fail
    strict = runner.invoke(app, ["wiremock", "validate", str(root), "--strict"])
    assert strict.exit_code == 1


def test_config_dir_and_unknown_keys(root):
    write_tree(root / "stubs", EXAMPLES["WM004"].bad)
    (root / "infractl.toml").write_text('[wiremock]\ndir = "stubs"\n')
    done = invoke("validate", "--json", cwd=root)
    assert done.returncode == 1 and [f["rule"] for f in json.loads(done.stdout)["findings"]] == ["WM004"]
    assert "did you mean 'method'?" in done.stdout
    (root / "infractl.toml").write_text('[wiremock]\ndirectory = "stubs"\n')
    done = invoke("validate", cwd=root)
    assert done.returncode == 2 and "unknown key 'directory'" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_global_templating_silences_the_template_rule(root):
    write_tree(root, EXAMPLES["WM015"].bad)
    assert invoke("validate", str(root), "--strict").returncode == 1
    assert invoke("validate", str(root), "--strict", "--global-response-templating").returncode == 0
    (root / "infractl.toml").write_text("[wiremock]\nglobal_response_templating = true\n")
    assert invoke("validate", str(root), "--strict").returncode == 0


def test_missing_directory_is_one_line_exit_2(root):
    root.mkdir(parents=True)
    done = invoke("validate", str(root))
    assert done.returncode == 2 and "no mappings/ directory" in done.stderr
    assert "Traceback" not in done.stderr


def test_json_error_position_is_the_parsers(root):
    write_tree(root, {"mappings/a.json": '{\n  "request": {"method": "GET",\n    "url": "/a" "x"}\n}\n'})
    found = json.loads(invoke("validate", str(root), "--json").stdout)["findings"]
    assert [(f["rule"], f["line"], f["column"]) for f in found] == [("WM001", 3, 17)]


def test_findings_inside_a_mappings_list_point_at_the_item(root):
    text = ('{\n  "mappings": [\n    {"request": {"method": "GET", "url": "/a"}, "response": {"status": 200}},\n'
            '    {"request": {"method": "GET", "url": "/b"},\n     "response": {"status": 200, "stauts": 1}}\n  ]\n}\n')
    write_tree(root, {"mappings/list.json": text})
    found = json.loads(invoke("validate", str(root), "--json").stdout)["findings"]
    assert [(f["rule"], f["line"], f["column"]) for f in found] == [("WM004", 5, 34)]
    assert "did you mean 'status'?" in found[0]["fix"]


def test_symlinked_body_file_out_of_files_dir(root):
    write_tree(root, {**EXAMPLES["WM010"].bad, "secret.json": "{}"})
    (root / "__files").mkdir()
    (root / "__files" / "alerts.json").symlink_to(root / "secret.json")
    found = json.loads(invoke("validate", str(root), "--json").stdout)["findings"]
    assert [f["rule"] for f in found] == ["WM011"] and "symlink" in found[0]["message"]


def test_rule_docs_through_infractl_rule():
    done = subprocess.run([sys.executable, "-m", "infractl", "rule", "WM007"], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0 and "id-not-uuid" in done.stdout and "alertmanager-healthy" in done.stdout


def test_more_variants_of_the_rules(root):
    from infractl.wiremock.mappings.validate import collect

    same = '{"id": "8c5db8e4-4e7b-4cbd-9b1b-5f3d0f5e2a11", "request": {"url": "/%s"}, "response": {"status": 200}}'
    write_tree(root, {
        "mappings/list.json": '{"mappings": [\n' + same % "a" + ",\n" + same % "b" + "\n]}\n",  # WM009 in one file
        "mappings/abs.json": '{"request": {"url": "/c"}, "response": {"bodyFileName": "/etc/hostname"}}',  # WM011
        "mappings/notes.txt": "todo", "mappings/five.json5": "{}", "mappings/.gitkeep": "",  # WM014 x2, dotfile no
        "mappings/scalar.json": "42",  # WM003
        "mappings/flag.json": '{"persistent": "true", "request": {"url": "/d"}, "response": {"status": 200}}',  # WM006
    })
    found = sorted((f.path.rsplit("/", 1)[-1], f.line, f.rule) for f in collect(root).findings)
    assert found == [("abs.json", 1, "WM011"), ("five.json5", None, "WM014"), ("flag.json", 1, "WM006"),
                     ("list.json", 3, "WM009"), ("notes.txt", None, "WM014"), ("scalar.json", 1, "WM003")]


def test_check_validates_every_mappings_directory_it_finds():
    from infractl.check.command import collect

    report = collect(REPO / "examples" / "webhook-receiver", select=["WM"])
    assert report.extra["areas"]["wiremock"] == "3 WireMock stubs in 1 mappings directory"
    assert sorted((f.path.rsplit("/", 1)[-1], f.line, f.rule) for f in report.findings) == [
        ("create-refund.json", 2, "WM007"), ("get-charge.json", 11, "WM010")]
    # the repository's own config names its bundled directory: the example's broken stubs stay out
    whole = collect(REPO, select=["WM"])
    assert whole.extra["areas"]["wiremock"] == "6 WireMock stubs in 1 mappings directory"
    assert whole.findings == []


def test_ci_snippet_names_the_directory_relative_to_the_repository(tmp_path):
    """A workflow runs in its own checkout: the snippet used to carry this machine's absolute path
    (`infractl wiremock up /home/me/repo/mocks`) whenever the directory came from the config or was typed whole."""
    (tmp_path / "pyproject.toml").write_text('[tool.infractl.wiremock]\ndir = "tests/mocks"\n')
    (tmp_path / "sub").mkdir()
    for cwd, args in ((tmp_path, ()), (tmp_path / "sub", ()), (tmp_path, (str(tmp_path / "tests" / "mocks"),))):
        done = invoke("ci-snippet", *args, cwd=cwd)
        assert done.returncode == 0, done.stderr
        assert "infractl wiremock up tests/mocks --runtime docker" in done.stdout, done.stdout
        assert str(tmp_path) not in done.stdout


def test_a_broken_symlink_in_mappings_is_an_error_as_wiremock_refuses_to_start(tmp_path):
    """validate said 0 findings while the real JAR died at start-up on it (FileNotFoundException)."""
    (tmp_path / "mappings").mkdir()
    (tmp_path / "mappings" / "ok.json").write_text('{"request": {"url": "/a"}, "response": {"status": 200}}')
    (tmp_path / "mappings" / "gone.json").symlink_to(tmp_path / "nowhere.json")
    done = invoke("validate", "--json", str(tmp_path))
    assert done.returncode == 1, done.stderr
    [finding] = json.loads(done.stdout)["findings"]
    assert finding["rule"] == "WM012" and finding["path"].endswith("mappings/gone.json")
    assert "symlink to a missing file" in finding["message"]
