#!/bin/sh
# Initialise the cluster on first start (password from the environment, never from the image), then
# run the server in the foreground as the postgres user.
set -eu
: "${POSTGRES_USER:=postgres}" "${POSTGRES_DB:=$POSTGRES_USER}" "${PGPORT:=5432}"
mkdir -p "$PGDATA" /run/postgresql
chown -R postgres:postgres "$PGDATA" /run/postgresql
chmod 700 "$PGDATA"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
    pwfile=$(mktemp)
    printf '%s' "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD is required}" > "$pwfile"
    chown postgres "$pwfile"
    su postgres -s /bin/sh -c "initdb -D '$PGDATA' -U '$POSTGRES_USER' --pwfile='$pwfile' -E UTF8 --locale=C.UTF-8 --auth-local=trust --auth-host=scram-sha-256 >/dev/null"
    rm -f "$pwfile"
    echo "host all all 0.0.0.0/0 scram-sha-256" >> "$PGDATA/pg_hba.conf"
    su postgres -s /bin/sh -c "pg_ctl -D '$PGDATA' -o '-c listen_addresses=127.0.0.1 -p $PGPORT' -w start >/dev/null"
    if [ "$POSTGRES_DB" != postgres ]; then
        su postgres -s /bin/sh -c "psql -h /run/postgresql -p $PGPORT -U '$POSTGRES_USER' -d postgres -qc 'CREATE DATABASE \"$POSTGRES_DB\"'" || true
    fi
    su postgres -s /bin/sh -c "pg_ctl -D '$PGDATA' -w stop >/dev/null"
fi
# Like the official image: "postgres ARGS..." as the command passes ARGS to the server.
[ "${1:-}" = postgres ] && shift
[ $# -gt 0 ] || set -- -c "listen_addresses=*" -p "$PGPORT"
exec setpriv --reuid=postgres --regid=postgres --init-groups postgres -D "$PGDATA" "$@"
