#!/usr/bin/env bash
# Issue 16, item 3, in one command: a private throw-away PostgreSQL cluster, a fresh database, the Release server
# started on it, then 300 patients from 4 clients on the server just started (cold), the next 300 (warm), and after
# each the psql \copy of the same resources; prints resources/s, the ratio to COPY and CPU us/resource from /proc.
# Usage: bench/ingest/cold-warm.sh [--patients 300] [--clients 4]   (the first given wins)
#   build first: dotnet build -c Release src/FhirTrial.Server && dotnet build -c Release bench/ingest
#   SERVER_DLL=path/FhirTrial.Server.dll runs another build of the server (e.g. a ReadyToRun publish);
#   SERVER_ENV="DOTNET_TieredPGO=0 ..." sets runtime knobs for the server process only (A/B runs).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
server="${SERVER_DLL:-$root/src/FhirTrial.Server/bin/Release/net10.0/FhirTrial.Server.dll}"
driver="$here/bin/Release/net10.0/FhirTrial.Bench.Ingest.dll"
for f in "$server" "$driver"; do [ -f "$f" ] || { echo "missing $f: build Release first (see the header)" >&2; exit 1; }; done
bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
dir="$(mktemp -d /tmp/fhirtrial-coldwarm-XXXX)"
port=$(( 20000 + RANDOM % 20000 ))
http=$(( 40000 + RANDOM % 20000 ))
as_pg() { if [ "$(id -u)" = 0 ]; then su postgres -c "$*"; else bash -c "$*"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$dir"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  as_pg "$bin/pg_ctl -D $dir/data -m immediate -w stop" >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
# fsync on (as in production); WAL large enough that no checkpoint falls inside a 31,000-resource batch.
as_pg "$bin/initdb -D $dir/data -U postgres -A trust -E UTF8 --locale=C --no-sync" >/dev/null
as_pg "$bin/pg_ctl -D $dir/data -l $dir/postgres.log -w -o '-p $port -k $dir -c listen_addresses=127.0.0.1 -c shared_buffers=512MB -c max_wal_size=4GB' start" >/dev/null
as_pg "$bin/psql -h 127.0.0.1 -p $port -U postgres -qc 'CREATE DATABASE fhir'"
postmaster=$(head -1 "$dir/data/postmaster.pid")
db="Host=127.0.0.1;Port=$port;Username=postgres;Database=fhir"
# The server just started on the fresh database; quiet logs.
env ${SERVER_ENV:-} dotnet "$server" --urls "http://127.0.0.1:$http" --Storage:Provider=postgres --Storage:ConnectionString="$db" \
  --Logging:LogLevel:Default=Warning >"$dir/server.log" 2>&1 &
server_pid=$!
echo "server: $server ${SERVER_ENV:+($SERVER_ENV)}; PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on port $port"
dotnet "$driver" --base "http://127.0.0.1:$http/fhir" --db "$db" --cold-warm "$server_pid" "$postmaster" "$@" --patients 300 --clients 4 \
  || { echo "--- server log:"; tail -30 "$dir/server.log"; exit 1; }
