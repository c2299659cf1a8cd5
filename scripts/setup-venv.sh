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
have_extras="${have#* extras=}"
# Up to date when pyproject.toml is unchanged and what is installed holds what is asked: the test
# extra (test.sh) holds the actionlint one (demo.sh), and every install holds the plain one.
if [ "${have%% *}" = "${want%% *}" ] && { [ "$have_extras" = "$extras" ] || [ -z "$extras" ] || [ "$have_extras" = test ]; }; then
    exit 0
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
spec="."
[ -n "$extras" ] && spec=".[${extras}]"
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e "$spec"
echo "$want" > "$stamp"
