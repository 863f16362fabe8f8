#!/usr/bin/env bash
# Run a command against a throw-away PostgreSQL server: a temporary data directory, a free
# loopback port, stopped and removed afterwards. DATABASE_URL points the command at it.
set -euo pipefail

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "PostgreSQL server not installed (Debian package postgresql; make system-deps installs it as root)" >&2
  exit 3
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
datadir=$(mktemp -d /tmp/gonghui-pg.XXXXXX)
as_owner=()
if [ "$(id -u)" = 0 ]; then
  # initdb and pg_ctl refuse to run as root: the postgres user owns the cluster.
  chown postgres:postgres "$datadir"
  as_owner=(runuser -u postgres --)
fi
"${as_owner[@]}" "$bindir/initdb" -D "$datadir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
cleanup() {
  "${as_owner[@]}" "$bindir/pg_ctl" -D "$datadir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$datadir"
}
trap cleanup EXIT
# Durability is pointless for a test server that is deleted afterwards.
"${as_owner[@]}" "$bindir/pg_ctl" -D "$datadir/data" -w -l "$datadir/server.log" \
  -o "-p $port -k $datadir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null
"$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres gonghui
export DATABASE_URL="postgres://postgres@127.0.0.1:$port/gonghui"
echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
"$@"
