#!/usr/bin/env bash
# Runs bench/studyscale on a private, throw-away PostgreSQL cluster (as the storage tests start theirs).
# Usage: bench/studyscale/postgres.sh [bench options]   (after dotnet build -c Release bench/studyscale)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
dir="$(mktemp -d /tmp/fhirtrial-bench-pg-XXXX)"
port=$(( 20000 + RANDOM % 20000 ))
as_pg() { if [ "$(id -u)" = 0 ]; then su postgres -c "$*"; else bash -c "$*"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$dir"
as_pg "$bin/initdb -D $dir/data -U postgres -A trust -E UTF8 --locale=C --no-sync" >/dev/null
as_pg "$bin/pg_ctl -D $dir/data -l $dir/server.log -w -o '-p $port -k $dir -c listen_addresses=127.0.0.1 -c shared_buffers=256MB' start" >/dev/null
trap 'as_pg "$bin/pg_ctl -D $dir/data -m immediate -w stop" >/dev/null; rm -rf "$dir"' EXIT
as_pg "$bin/psql -h 127.0.0.1 -p $port -U postgres -qc 'CREATE DATABASE fhir'"
dotnet "$here/bin/Release/net10.0/FhirTrial.Bench.StudyScale.dll" --postgres "Host=127.0.0.1;Port=$port;Username=postgres;Database=fhir" "$@"
