# Sourced by the bench scripts: starts a private, throw-away PostgreSQL cluster (as the storage tests start theirs)
# with a database "fhir", stops and removes it when the script exits. Sets PG_PORT and PG_CONNECTION.
# Usage: . bench/private-postgres.sh [extra postgres -c settings, e.g. "-c shared_buffers=1GB"]
pg_bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
pg_dir="$(mktemp -d /tmp/fhirtrial-bench-pg-XXXX)"
PG_PORT=$(( 20000 + RANDOM % 20000 ))
as_pg() { if [ "$(id -u)" = 0 ]; then su postgres -c "$*"; else bash -c "$*"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$pg_dir"
as_pg "$pg_bin/initdb -D $pg_dir/data -U postgres -A trust -E UTF8 --locale=C --no-sync" >/dev/null
as_pg "$pg_bin/pg_ctl -D $pg_dir/data -l $pg_dir/server.log -w -o '-p $PG_PORT -k $pg_dir -c listen_addresses=127.0.0.1 ${1:--c shared_buffers=256MB}' start" >/dev/null
stop_private_postgres() { as_pg "$pg_bin/pg_ctl -D $pg_dir/data -m immediate -w stop" >/dev/null || true; rm -rf "$pg_dir"; }
trap stop_private_postgres EXIT
as_pg "$pg_bin/psql -h 127.0.0.1 -p $PG_PORT -U postgres -qc 'CREATE DATABASE fhir'"
PG_CONNECTION="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=fhir"
