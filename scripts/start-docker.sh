#!/usr/bin/env bash
# Make a Docker engine answer on /var/run/docker.sock: install Debian's docker.io when dockerd is
# missing, start it with the flags this kind of machine needs (vfs storage, no iptables, no bridge:
# containers use --network host), and wait until it answers. A second run only checks it answers.
set -euo pipefail
if docker version --format '{{.Server.Version}}' >/dev/null 2>&1; then
    exit 0
fi
if ! command -v dockerd >/dev/null 2>&1; then
    if [ "$(id -u)" != 0 ]; then
        echo "error: no Docker engine and no dockerd to start (install docker.io as root)" >&2
        exit 2
    fi
    echo "installing docker.io ..." >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker.io >/dev/null
fi
log=${DOCKERD_LOG:-/var/log/infractl-dockerd.log}
nohup dockerd --storage-driver=vfs --iptables=false --ip6tables=false --bridge=none \
    >"$log" 2>&1 </dev/null &
for _ in $(seq 1 60); do
    if docker version --format '{{.Server.Version}}' >/dev/null 2>&1; then
        exit 0
    fi
    sleep 0.5
done
echo "error: dockerd did not answer within 30 s; see $log" >&2
tail -n 20 "$log" >&2 || true
exit 2
