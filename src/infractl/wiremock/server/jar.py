"""The WireMock standalone JAR: the one the npm package ``wiremock`` ships, fetched with the npm client.

``python -m infractl.wiremock.server.jar [CACHE_DIR]`` fetches it (once) and prints its path; the tests and
the benchmark use ``cached_jar``. ``infractl wiremock up`` itself never downloads anything.
"""

from __future__ import annotations

import shutil
import sys
import tarfile
import tempfile
from pathlib import Path

from infractl.errors import InfractlError
from infractl.process import tools

VERSION = "3.13.2"
DEFAULT_CACHE = Path(".cache/wiremock")


def jar_name(version: str = VERSION) -> str:
    return f"wiremock-standalone-{version}.jar"


def cached_jar(cache_dir: Path = DEFAULT_CACHE, version: str = VERSION) -> Path:
    """The JAR in ``cache_dir``, fetched with ``npm pack wiremock@VERSION`` when it is not there yet."""
    target = Path(cache_dir) / jar_name(version)
    if target.is_file():
        return target
    npm = shutil.which("npm")
    if npm is None:
        raise InfractlError("npm is not installed: it is needed once to fetch the WireMock JAR "
                            "(Debian: apt-get install npm)")
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as work:
        try:
            done = tools.run([npm, "pack", f"wiremock@{version}", "--pack-destination", work, "--silent"],
                             timeout=300)
        except tools.ToolTimeout as exc:
            raise InfractlError(f"npm pack wiremock@{version}: {exc}") from None
        if done.failure() is not None:
            raise InfractlError(f"npm pack wiremock@{version} failed: {done.failure()}")
        tgz = next(Path(work).glob("wiremock-*.tgz"))
        member = f"package/build/{jar_name(version)}"
        with tarfile.open(tgz) as archive:
            source = archive.extractfile(member)
            if source is None:
                raise InfractlError(f"{tgz.name} has no {member}")
            partial = Path(work) / jar_name(version)
            with open(partial, "wb") as out:
                shutil.copyfileobj(source, out)
        partial.chmod(0o644)
        partial.replace(target)  # atomic: a half-fetched JAR never sits at the cached name
    return target


if __name__ == "__main__":  # pragma: no cover
    print(cached_jar(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_CACHE))
