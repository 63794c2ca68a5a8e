#!/usr/bin/env bash
# What the plans' limits cost (README, Limits): the check's one statement, run by the service's own
# code and driver against the local PostgreSQL (sequential latency next to a bare round trip, 16 at
# once on one hot caller and on many, with 200 000 callers' rows), and end to end the same tiny
# upload with the limits on and off. Talks only to loopback; its rows are deleted afterwards.
# Usage: bench/limits.sh [checks-per-series] [uploads-per-run]
set -euo pipefail
cd "$(dirname "$0")/.."
. bin/setup.sh
. bench/lib.sh
bench_prepare
N=${1:-5000}
UPLOADS=${2:-1000}
PORT=${BENCH_PORT:-8093}
PG=postgresql://127.0.0.1:5432/$BENCH_DB

[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -B -q package -DskipTests
work=$(mktemp -d)
trap 'rm -rf "$work"; [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null || true' EXIT
cp="target/quarkus-app/app/*:target/quarkus-app/lib/main/*:target/quarkus-app/lib/boot/*"

# end to end: queued only (no worker competes for the cores), limits on, then off
export PIXMILL_JOBS_WORKER_ENABLED=false
for enabled in true false; do
  echo "== POST /api/v1/convert, limits enabled=$enabled =="
  PIXMILL_LIMITS_ENABLED=$enabled start_service "$PORT" "$work/service.log"
  key=$(curl -sf -H 'Authorization: Bearer bench-operator' -H 'Content-Type: application/json' \
    -d '{"name":"limits-bench"}' "http://127.0.0.1:$PORT/api/admin/keys" | sed -E 's/.*"key":"([^"]+)".*/\1/')
  "$JAVA" -cp "$cp" bench/LimitsBench.java http "http://127.0.0.1:$PORT" "$key" "$UPLOADS" "$PG" pixmill pixmill \
    2>/dev/null
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
done

echo "== the check's statement, $N per series (service stopped) =="
"$JAVA" -cp "$cp" bench/LimitsBench.java counters "$PG" pixmill pixmill "$N" 2>/dev/null
