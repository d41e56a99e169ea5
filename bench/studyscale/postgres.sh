#!/usr/bin/env bash
# Runs bench/studyscale on a private, throw-away PostgreSQL cluster (as the storage tests start theirs).
# Usage: bench/studyscale/postgres.sh [bench options]   (after dotnet build -c Release bench/studyscale)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/../private-postgres.sh" "-c shared_buffers=1GB -c max_wal_size=8GB"
dotnet "$here/bin/Release/net10.0/FhirTrial.Bench.StudyScale.dll" --postgres "$PG_CONNECTION" "$@"
