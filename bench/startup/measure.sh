#!/usr/bin/env bash
# Time from process start to the first 200 of /fhir/metadata and of /health/ready, on a fresh SQLite store.
# Usage: bench/startup/measure.sh [runs]   (build first: dotnet build -c Release src/FhirTrial.Server)
set -euo pipefail
cd "$(dirname "$0")/../.."
dll=src/FhirTrial.Server/bin/Release/net10.0/FhirTrial.Server.dll
[ -f "$dll" ] || { echo "build the server first: dotnet build -c Release src/FhirTrial.Server" >&2; exit 1; }
runs=${1:-3}
port=18091
for run in $(seq 1 "$runs"); do
  data=$(mktemp -d)
  start=$(date +%s.%N)
  dotnet "$dll" --urls "http://127.0.0.1:$port" --Storage:ConnectionString="Data Source=$data/fhir.db" \
    --Logging:LogLevel:Default=Warning >"$data/log" 2>&1 &
  pid=$!
  metadata=""; ready=""
  for _ in $(seq 1 3000); do
    now=$(date +%s.%N)
    if [ -z "$metadata" ] && curl -sf -o /dev/null "http://127.0.0.1:$port/fhir/metadata"; then metadata=$(echo "$now - $start" | bc); fi
    if [ -n "$metadata" ] && curl -sf -o /dev/null "http://127.0.0.1:$port/health/ready"; then ready=$(echo "$now - $start" | bc); break; fi
    sleep 0.05
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true
  rm -rf "$data"
  printf 'run %d: metadata %.2f s, ready %.2f s\n' "$run" "$metadata" "$ready"
done
