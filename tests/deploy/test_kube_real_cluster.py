"""The Kubernetes target against a REAL cluster: runs only when INFRACTL_E2E_KUBECONFIG is set (no API
server can run on the CI machines; the FAKE one in tests/support covers the logic there).

Also needs INFRACTL_E2E_REGISTRY: a registry this machine can push to and the cluster can pull from.
It deploys examples/webhook-receiver with the bundled-stack copy in tests/fixtures/deploy/kube-app to
namespace aos-staging of the kubeconfig's current context: a server dry run first, then for real.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from conftest import KUBE_APP, ROOT, SECRET_VALUES, assert_no_secret

KUBECONFIG = os.environ.get("INFRACTL_E2E_KUBECONFIG")
REGISTRY = os.environ.get("INFRACTL_E2E_REGISTRY")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.gated,
    pytest.mark.skipif(not (KUBECONFIG and REGISTRY), reason="real-cluster deploy: set INFRACTL_E2E_KUBECONFIG "
                       "and INFRACTL_E2E_REGISTRY to run it (no Kubernetes API server can run here)"),
]


def test_deploy_to_a_real_cluster(tmp_path):
    from kubernetes import config

    _, active = config.list_kube_config_contexts(config_file=KUBECONFIG)
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.infractl.deploy.staging]\nkind = "kubernetes"\ncontext = "{active["name"]}"\n'
        f'namespace = "aos-staging"\nmanifests = "{KUBE_APP}"\nimage = "webhook-receiver"\n'
        f'registry = "{REGISTRY}"\nrollout_timeout = "5m"\n'
        f'build = {{ context = "{ROOT}/examples/webhook-receiver", dockerfile = "Dockerfile.staging" }}\n'
        'secrets = { DATABASE_URL = "env:STAGING_DATABASE_URL", WEBHOOK_SECRET = "env:STAGING_WEBHOOK_SECRET" }\n')
    env = {**os.environ, **SECRET_VALUES, "KUBECONFIG": KUBECONFIG}
    for args in (["--dry-run=server"], []):
        done = subprocess.run([sys.executable, "-m", "infractl", "deploy", "staging", "--config",
                               str(tmp_path / "pyproject.toml"), "--tag", "e2e", "--json", *args],
                              capture_output=True, text=True, env=env, timeout=900, check=False)
        assert_no_secret(done.stdout, done.stderr)
        report = json.loads(done.stdout)
        # The receiver needs its database: without one the rollout may fail, and then the report must
        # carry the pods' status and events.
        assert done.returncode == 0 or (done.returncode == 1 and report["details"]), done.stdout
