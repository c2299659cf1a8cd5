"""Find the real kustomize: ``kubectl kustomize`` or ``kustomize build``, whichever is installed.

``INFRACTL_KUBECTL`` names a kubectl binary explicitly; otherwise PATH is searched, then the cached copy
that ``python -m infractl.manifests.kustomize.install_kubectl`` puts under ``.cache/kubectl/`` of the project.
"""

from __future__ import annotations

import os
import shutil
from functools import cache
from pathlib import Path

from infractl.errors import InfractlError

_CHECKOUT = Path(__file__).resolve().parents[4]  # src/infractl/manifests/kustomize/kubectl.py
# Where install_kubectl puts kubectl when it cannot write /usr/local/bin (not root): the checkout's
# git-ignored .cache/, or the user's cache directory for an installed infractl.
CACHE_DIR = (_CHECKOUT / ".cache" / "kubectl" if (_CHECKOUT / "pyproject.toml").is_file()
             else Path.home() / ".cache" / "infractl" / "kubectl")


@cache
def kustomize_command() -> tuple[str, ...]:
    """The argv prefix that renders a directory given as the next argument."""
    explicit = os.environ.get("INFRACTL_KUBECTL")
    if explicit:
        if not (Path(explicit).is_file() and os.access(explicit, os.X_OK)):
            raise InfractlError(f"INFRACTL_KUBECTL={explicit} is not an executable file")
        return (explicit, "kustomize")
    kubectl = shutil.which("kubectl")
    if kubectl:
        return (kubectl, "kustomize")
    kustomize = shutil.which("kustomize")
    if kustomize:
        return (kustomize, "build")
    cached = CACHE_DIR / "kubectl"
    if cached.is_file() and os.access(cached, os.X_OK):
        return (str(cached), "kustomize")
    raise InfractlError("neither 'kubectl' (kubectl kustomize) nor 'kustomize' (kustomize build) is installed: "
                        "install one, or run 'python -m infractl.manifests.kustomize.install_kubectl'")
