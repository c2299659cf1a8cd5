"""The official SARIF 2.1.0 JSON schema (sarif-2.1.0-rtm.5), from Microsoft's npm package
@microsoft/jest-sarif, fetched once with the npm client and cached under .cache/sarif/."""

from __future__ import annotations

import json
import shutil
import subprocess
import tarfile

import pytest

from support.cache import cache_dir

CACHE = cache_dir("sarif")
PACKAGE = "@microsoft/jest-sarif@1.0.0-beta.0"
MEMBER = "package/lib/schemas/sarif-2.1.0-rtm.5.json"


def sarif_schema() -> dict:
    schema = CACHE / "sarif-2.1.0-rtm.5.json"
    if not schema.is_file():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("npm is needed to fetch the SARIF schema (scripts/test.sh installs it)")
        CACHE.mkdir(parents=True, exist_ok=True)
        done = subprocess.run([npm, "pack", PACKAGE, "--silent"], cwd=CACHE, capture_output=True, text=True,
                              timeout=300, check=False)
        archives = sorted(CACHE.glob("microsoft-jest-sarif-*.tgz"))
        if not archives:
            pytest.skip(f"cannot fetch {PACKAGE} from the npm registry: {done.stderr.strip()[-200:]}")
        with tarfile.open(archives[0]) as archive:
            schema.write_bytes(archive.extractfile(MEMBER).read())
    return json.loads(schema.read_text())
