"""kubectl as infractl runs it: its whole error is kept, and it does not outlive an interrupted run."""

from __future__ import annotations

import signal
from pathlib import Path

from support.processes import signal_lint_during_kubectl
from typer.testing import CliRunner

from infractl import cli

runner = CliRunner()


def test_a_multiline_kubectl_error_is_kept_whole(tmp_path, kustomize):
    """klog writes a multi-line error as ``err=<``, tab-indented lines, then `` >``: the message was cut
    to that last line (``... failed:  >``), losing the cause. A real kubectl on a broken kustomization."""
    (tmp_path / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n")
    (tmp_path / "kustomization.yaml").write_text("resources:\n- cm.yaml\npatches:\n- patch: |-\n    a: [\n    b\n")
    result = runner.invoke(cli.app, ["manifests", "lint", str(tmp_path)])
    assert result.exit_code == 1 and "K8S000" in result.output, result.output
    assert "unable to parse SM or JSON patch" in result.output
    assert "trouble configuring builtin PatchTransformer" in result.output
    assert not result.output.rstrip().endswith(">")



def test_sigint_to_infractl_alone_leaves_no_kubectl_behind(tmp_path: Path):
    """SIGINT to infractl's pid only (not its process group, as a terminal would send it) during
    ``manifests lint``: exit 130, and neither the (fake, slow) kubectl nor its child survives."""
    code, stderr, kubectl_gone = signal_lint_during_kubectl(tmp_path, signal.SIGINT)
    assert code == 130, stderr
    assert stderr.strip().splitlines()[-1:] == ["error: interrupted"]
    assert kubectl_gone, "kubectl outlived infractl"
