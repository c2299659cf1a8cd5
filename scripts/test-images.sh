#!/usr/bin/env bash
# Build the Docker images the deploy end-to-end tests need, once: nothing can be pulled from a
# registry here, so a Debian 12 base is made with debootstrap + `docker import`, and PostgreSQL 15 is
# built FROM it. Each image is built only when `docker image inspect` does not find it (a second run
# takes well under a second). Needs a running engine (scripts/start-docker.sh) and debootstrap.
#   BASE      infractl-test/debian:bookworm       python3, venv, pip, ca-certificates (about 1-2 min)
#   POSTGRES  infractl-test/postgres:15           Debian's postgresql-15 (about 30-60 s)
#   BUSYBOX   infractl-test/busybox:1             a 2 MB image of busybox-static, for fast build/push tests
set -euo pipefail
cd "$(dirname "$0")/.."
base=${INFRACTL_TEST_BASE_IMAGE:-infractl-test/debian:bookworm}
postgres=${INFRACTL_TEST_POSTGRES_IMAGE:-infractl-test/postgres:15}
busybox=infractl-test/busybox:1

have() { docker image inspect "$1" >/dev/null 2>&1; }

if ! have "$base"; then
    command -v debootstrap >/dev/null || { echo "error: debootstrap is not installed" >&2; exit 2; }
    # The machine's own Debian mirror (the URIs: line of its deb822 sources), else the default one.
    mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
    root=$(mktemp -d /var/tmp/infractl-debian.XXXXXX)
    trap 'rm -rf "$root"' EXIT
    echo "building $base with debootstrap (once; about 1-2 minutes) ..." >&2
    debootstrap --variant=minbase --include=python3,python3-venv,python3-pip,ca-certificates \
        bookworm "$root" ${mirror:+"$mirror"} >/var/tmp/infractl-debootstrap.log 2>&1 || {
        tail -n 20 /var/tmp/infractl-debootstrap.log >&2; exit 2; }
    # apt and pip inside the image reach the same package indexes as this machine does.
    cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
    cp /etc/resolv.conf "$root/etc/resolv.conf"
    [ -f /etc/pip.conf ] && cp /etc/pip.conf "$root/etc/pip.conf"
    cp /etc/apt/sources.list.d/*.sources "$root/etc/apt/sources.list.d/" 2>/dev/null || true
    for conf in /etc/apt/apt.conf.d/99*; do [ -f "$conf" ] && cp "$conf" "$root/etc/apt/apt.conf.d/"; done
    rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
    chmod 0755 "$root"  # mktemp made it 0700: as the image's /, it must let every user through
    tar -C "$root" -c . | docker import - "$base" >/dev/null
    rm -rf "$root"
    trap - EXIT
fi

if ! have "$postgres"; then
    echo "building $postgres FROM $base (once) ..." >&2
    DOCKER_BUILDKIT=0 docker build --quiet --network host --build-arg "BASE_IMAGE=$base" \
        -t "$postgres" tests/support/images/postgres >/dev/null
fi

if ! have "$busybox"; then
    [ -x /bin/busybox ] || { echo "error: busybox-static is not installed" >&2; exit 2; }
    root=$(mktemp -d)
    chmod 0755 "$root"
    mkdir -p "$root/bin" "$root/tmp"
    chmod 1777 "$root/tmp"
    cp /bin/busybox "$root/bin/busybox"
    for tool in sh cat echo ls sleep true false; do ln -s busybox "$root/bin/$tool"; done
    tar -C "$root" -c . | docker import --change 'CMD ["/bin/sh"]' - "$busybox" >/dev/null
    rm -rf "$root"
fi
