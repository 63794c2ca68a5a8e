#!/usr/bin/env bash
# Soak: mixed valid work at concurrency 8 for a bounded time (default 10 minutes) against a
# service started like bin/run (launcher settings) or like a plain `java -jar` (MODE=plain), RSS
# sampled every 10 s. Loopback only; stops by itself. Usage: bench/soak.sh [seconds] [launcher|plain]
set -euo pipefail
cd "$(dirname "$0")/.."
. bin/setup.sh
. bench/lib.sh
bench_prepare
SECONDS_TOTAL=${1:-600}
MODE=${2:-launcher}
PORT=${BENCH_PORT:-8092}

[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -B -q package -DskipTests
work=$(mktemp -d)
trap 'rm -rf "$work"; [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null || true' EXIT

# Photos up to 8 MB: 3, 8 and 12 MP (Perlin texture plus sensor-like noise), JPEG q88, and a 12 MP
# one at q95 (about 8 MB, like a camera's finest setting)
mkdir -p "$work/photos"
for spec in "2000 1500 1 88" "3264 2448 2 88" "4000 3000 3 88" "4032 3024 4 95"; do
  set -- $spec
  synthetic_photo "$work/photos/photo-$1x$2-q$4.jpg" "$1" "$2" "$3" "$4" 180 10 128
done
ls -l "$work/photos" | awk 'NR>1 {printf "input %s: %d bytes\n", $9, $5}'

start_service "$PORT" "$work/service.log" "$MODE"
echo "== soak: mode=$MODE, concurrency 8, ${SECONDS_TOTAL}s =="
"$JAVA" bench/Soak.java "http://127.0.0.1:$PORT" "$work/photos" 8 "$SECONDS_TOTAL" "$pid"
