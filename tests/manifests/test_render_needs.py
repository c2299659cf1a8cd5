"""Kustomizations that cannot render here for want of the network, Helm or a plugin (issue 18's corpus:
argo-cd's and kustomize's examples with remote bases, helmCharts, KRM plugins) are K8S004 warnings on the
directory, not K8S000 errors: the directory is not at fault. A missing local file stays K8S000."""

from __future__ import annotations

import json
import os
from functools import partial
from pathlib import Path

from typer.testing import CliRunner

from infractl import cli

runner = CliRunner()
# loopback on a closed port: refused at once, on any machine (and no traffic leaves it)
REMOTE = "https://127.0.0.1:9/example/base"


def lint_json(directory: Path) -> tuple[int, list[dict]]:
    old = Path.cwd()
    os.chdir(directory)
    try:
        result = runner.invoke(cli.app, ["manifests", "lint", str(directory), "--json"])
    finally:
        os.chdir(old)
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.output)["findings"]


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_an_overlay_whose_base_has_an_unreachable_remote_base_is_a_warning_naming_it(tmp_path, kustomize):
    write(tmp_path / "base" / "kustomization.yaml", f"resources:\n- {REMOTE}\n")
    write(tmp_path / "prod" / "kustomization.yaml", "resources:\n- ../base\nnamePrefix: prod-\n")
    code, findings = lint_json(tmp_path / "prod")
    assert code == 0  # a warning: the repository has no defect to fix here
    [finding] = findings
    assert (finding["rule"], finding["severity"], finding["line"]) == ("K8S004", "warning", None)
    assert f"the network: its remote base '{REMOTE}' could not be fetched" in finding["message"]
    assert "nothing in it was checked" in finding["message"]


def test_helm_charts_and_external_plugins_are_warnings_saying_what_the_render_needs(tmp_path, kustomize):
    write(tmp_path / "helm" / "kustomization.yaml",
          "helmCharts:\n- name: web\n  repo: https://127.0.0.1:9/charts\n  version: 1.0.0\n")
    write(tmp_path / "plugin" / "kustomization.yaml",
          "generators:\n- |-\n  apiVersion: example.com/v1\n  kind: TShirt\n  metadata: {name: t}\n")
    [helm] = lint_json(tmp_path / "helm")[1]
    [plugin] = lint_json(tmp_path / "plugin")[1]
    assert (helm["rule"], helm["severity"]) == ("K8S004", "warning") and "it needs Helm" in helm["message"]
    assert (plugin["rule"], plugin["severity"]) == ("K8S004", "warning")
    assert "an external kustomize plugin" in plugin["message"]


def test_a_missing_local_resource_beside_a_remote_one_is_still_the_directorys_error(tmp_path, kustomize):
    """kustomize stops at the first resource it cannot load: the missing local file, listed first, is the
    directory's own defect and stays K8S000."""
    write(tmp_path / "app" / "kustomization.yaml", f"resources:\n- missing.yaml\n- {REMOTE}\n")
    [finding] = lint_json(tmp_path / "app")[1]
    assert (finding["rule"], finding["severity"]) == ("K8S000", "error")
    assert "missing.yaml" in finding["message"]


def test_a_remote_base_that_the_server_says_is_not_there_is_the_directorys_error(tmp_path, kustomize):
    """The network worked and the server answered 404: the base named does not exist, which is the
    repository's defect (K8S000), not a render that needs the network."""
    import http.server
    import threading

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:  # the runner captures stderr with the JSON
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(tmp_path / "empty")))
    (tmp_path / "empty").mkdir()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/nowhere/base.yaml"
        write(tmp_path / "app" / "kustomization.yaml", f"resources:\n- {url}\n")
        [finding] = lint_json(tmp_path / "app")[1]
    finally:
        server.shutdown()
        server.server_close()
    assert (finding["rule"], finding["severity"]) == ("K8S000", "error")
    assert "not found" in finding["message"]
