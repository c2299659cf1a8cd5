#!/usr/bin/env bash
# Install infractl into .venv and run its main job on the bundled example: `infractl check` over
# examples/webhook-receiver, a service in its "before hardening" state.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-venv.sh actionlint
set +e
.venv/bin/infractl check examples/webhook-receiver
status=$?
set -e
# The example carries deliberate defects, so findings (exit 1) are the expected result here;
# anything else (2: usage or environment error) is a real failure.
if [ "$status" -eq 1 ]; then
    echo "demo: infractl check found the example's deliberate defects (exit 1, as expected)" >&2
    exit 0
fi
exit "$status"
