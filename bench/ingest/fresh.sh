#!/usr/bin/env bash
# Issue 16 item 2 in one command: a private PostgreSQL cluster, the Release server on it (ready, validator warm), the
# EHR feed pushed, and the search mix measured right after the load with no manual step, then after VACUUM (ANALYZE);
# EXPLAIN of each search right after the load and after it.
# Usage: bench/ingest/fresh.sh [--patients 104] [--searches 100] [more bench/ingest options]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
server="$root/src/FhirTrial.Server/bin/Release/net10.0/FhirTrial.Server.dll"
bench="$root/bench/ingest/bin/Release/net10.0/FhirTrial.Bench.Ingest.dll"
[ -f "$server" ] && [ -f "$bench" ] || { echo "build first: dotnet build -c Release src/FhirTrial.Server && dotnet build -c Release bench/ingest" >&2; exit 1; }
. "$root/bench/private-postgres.sh" "-c shared_buffers=1GB -c max_wal_size=8GB"
http_port=$(( PG_PORT + 1 ))
log="$(mktemp /tmp/fhirtrial-bench-server-XXXX.log)"
dotnet "$server" --urls "http://127.0.0.1:$http_port" --Storage:Provider=postgres --Storage:ConnectionString="$PG_CONNECTION" \
  --Logging:LogLevel:Default=Warning >"$log" 2>&1 &
server_pid=$!
trap 'kill $server_pid 2>/dev/null; wait $server_pid 2>/dev/null; stop_private_postgres' EXIT
for _ in $(seq 1 1200); do curl -sf -o /dev/null "http://127.0.0.1:$http_port/health/ready" && break; sleep 0.1; done
curl -sf -o /dev/null "http://127.0.0.1:$http_port/health/ready" || { echo "the server did not get ready; log: $log" >&2; exit 1; }
echo "server ready; load average $(cut -d' ' -f1-3 /proc/loadavg)"
patients=104; searches=100; rest=()
while [ $# -gt 0 ]; do
  case "$1" in --patients) patients=$2; shift 2;; --searches) searches=$2; shift 2;; *) rest+=("$1"); shift;; esac
done
dotnet "$bench" --base "http://127.0.0.1:$http_port/fhir" --patients "$patients" --warmup 0 --searches "$searches" --fresh \
  --db "$PG_CONNECTION" ${rest[@]+"${rest[@]}"}
echo "load average $(cut -d' ' -f1-3 /proc/loadavg)"
