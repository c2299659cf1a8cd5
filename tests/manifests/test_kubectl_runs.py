"""kubectl as infractl runs it: its whole error is kept, and it does not outlive an interrupted run."""

from __future__ import annotations

import signal
from pathlib import Path

from support.processes import alive, gone, kill_leftovers, start_infractl, wait_until, waiting
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


FAKE_KUBECTL = """#!/bin/sh
# a FAKE kubectl: records its pid and its child's, then never answers
sleep 60 &
echo $$ $! > "{pidfile}"
wait
"""


def test_sigint_to_infractl_alone_leaves_no_kubectl_behind(tmp_path: Path):
    """SIGINT to infractl's pid only (not its process group, as a terminal would send it) during
    ``manifests lint``: exit 130, and neither the (fake, slow) kubectl nor its child survives."""
    pidfile = tmp_path / "kubectl.pids"
    fake = tmp_path / "kubectl"
    fake.write_text(FAKE_KUBECTL.format(pidfile=pidfile))
    fake.chmod(0o755)
    (tmp_path / "stack").mkdir()
    (tmp_path / "stack" / "kustomization.yaml").write_text("resources: []\n")
    run = start_infractl(["manifests", "lint", "stack"], tmp_path, {"INFRACTL_KUBECTL": str(fake)})
    pids: list[int] = []
    try:
        assert wait_until(lambda: len(pidfile.read_text().split()) == 2 if pidfile.exists() else False)
        pids = [int(pid) for pid in pidfile.read_text().split()]
        assert all(alive(pid) for pid in pids)
        # infractl waits on kubectl's pipes (a signal during its imports tests something else)
        assert wait_until(lambda: waiting(run.pid))
        run.send_signal(signal.SIGINT)
        _, stderr = run.communicate(timeout=20)
        assert run.returncode == 130, stderr
        assert stderr.strip().splitlines()[-1:] == ["error: interrupted"]
        assert gone(pids), "kubectl outlived infractl"
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
        kill_leftovers(pids)

