#!/bin/sh
# `make hub`: mediahub in the foreground on a throwaway PostgreSQL cluster under ./var/hub.
# The cluster listens on a Unix socket only (./var/hub/pg); mediahub's HTTPS endpoint on
# 127.0.0.1:8443 with a self-signed certificate made here; mediactl reaches it with
#   mediactl --hub --socket var/hub/mediahub.sock …
# Ctrl-C stops mediahub, then the PostgreSQL server. `make clean` removes ./var.
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
hub="$repo/var/hub"
bin=${BIN:-$repo/.build/debug}
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$pgbin" ] || { echo "PostgreSQL is not installed: make deps" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "run as root: initdb runs as the postgres user on a folder made for it" >&2; exit 1; }
mkdir -p "$hub/pg"
chown postgres "$hub/pg"
chmod 755 "$repo/var" "$hub"
as_postgres() { runuser -u postgres -- "$@"; }
if [ ! -f "$hub/pg/data/PG_VERSION" ]; then
    as_postgres "$pgbin/initdb" -D "$hub/pg/data" -A trust -U mediahub -E UTF8 --locale=C.UTF-8 >/dev/null
fi
as_postgres "$pgbin/pg_ctl" -D "$hub/pg/data" -l "$hub/pg/log" -w -o "-k $hub/pg -c listen_addresses=" start >/dev/null
stop_pg() { as_postgres "$pgbin/pg_ctl" -D "$hub/pg/data" -m fast stop >/dev/null 2>&1 || true; }
trap stop_pg EXIT INT TERM
as_postgres "$pgbin/psql" -h "$hub/pg" -U mediahub -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = 'mediahub'" \
    | grep -q 1 || as_postgres "$pgbin/createdb" -h "$hub/pg" -U mediahub mediahub
if [ ! -f "$hub/cert.pem" ]; then
    openssl req -x509 -newkey ed25519 -nodes -days 365 -subj /CN=mediahub -addext subjectAltName=IP:127.0.0.1,DNS:localhost \
        -keyout "$hub/key.pem" -out "$hub/cert.pem" 2>/dev/null
fi
cat > "$hub/mediahub.conf" <<CONF
# written by make hub
unit = ${HUB_UNIT:-开发单位}
name = 127.0.0.1:8443
database = host=$hub/pg user=mediahub dbname=mediahub
key = $hub/unit.key
state = $hub/state
socket = $hub/mediahub.sock
socket-group = root
listen = 127.0.0.1
port = 8443
certificate = $hub/cert.pem
certificate-key = $hub/key.pem
CONF
echo "mediahub on $hub (PostgreSQL at $hub/pg); mediactl --hub --socket $hub/mediahub.sock …; Ctrl-C stops"
"$bin/mediahub" --config "$hub/mediahub.conf" || true
