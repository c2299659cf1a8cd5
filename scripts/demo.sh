#!/usr/bin/env bash
# Install infractl into .venv and show what fix-datetime would change in the bundled example.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-venv.sh
set +e
.venv/bin/infractl fix-datetime --diff examples/webhook-receiver
status=$?
set -e
# --diff changes nothing and exits 0 (1 only with --check); anything else is a real failure.
exit "$status"
