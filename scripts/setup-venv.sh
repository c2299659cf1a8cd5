#!/usr/bin/env bash
# Create or refresh .venv with infractl installed (editable) and the given extras.
# A second run with an unchanged pyproject.toml does nothing and takes well under a second.
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"
python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv
fi
stamp=".venv/.infractl-installed"
want="$(sha256sum pyproject.toml | cut -d' ' -f1) extras=${extras}"
have="$(cat "$stamp" 2>/dev/null || true)"
# An install with extras (test.sh) already holds the plain one (demo.sh): switching back costs nothing.
if [ "$have" != "$want" ] && { [ -n "$extras" ] || [ "${have%% *}" != "${want%% *}" ]; }; then
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
    spec="."
    [ -n "$extras" ] && spec=".[${extras}]"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -e "$spec"
    echo "$want" > "$stamp"
fi
