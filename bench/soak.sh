#!/usr/bin/env bash
# Soak: mixed valid work at concurrency 8 for a bounded time (default 10 minutes) against a
# service started like bin/run (launcher settings) or like a plain `java -jar` (MODE=plain), RSS
# sampled every 10 s. Loopback only; stops by itself. Usage: bench/soak.sh [seconds] [launcher|plain]
set -euo pipefail
cd "$(dirname "$0")/.."
. bin/setup.sh
find_jdk25
ensure_libvips
ensure_postgres_running
ensure_database pixmill_bench
SECONDS_TOTAL=${1:-600}
MODE=${2:-launcher}
PORT=${BENCH_PORT:-8092}
JAVA="$JAVA_HOME/bin/java"

[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -B -q package -DskipTests
work=$(mktemp -d)
trap 'rm -rf "$work"; [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null || true' EXIT

# Photos up to 8 MB: 3, 8 and 12 MP (Perlin texture plus sensor-like noise), JPEG q88, and a 12 MP
# one at q95 (about 8 MB, like a camera's finest setting)
mkdir -p "$work/photos"
for spec in "2000 1500 1 88" "3264 2448 2 88" "4000 3000 3 88" "4032 3024 4 95"; do
  set -- $spec
  for b in 1 2 3; do
    vips perlin "$work/p$b.v" "$1" "$2" --cell-size 180 --seed $(( $3 * 10 + b ))
    vips linear "$work/p$b.v" "$work/l$b.v" 110 128 --uchar
  done
  vips bandjoin "$work/l1.v $work/l2.v $work/l3.v" "$work/rgb.v"
  vips gaussnoise "$work/n.v" "$1" "$2" --sigma 10
  vips add "$work/rgb.v" "$work/n.v" "$work/a.v"
  vips cast "$work/a.v" "$work/c.v" uchar
  vips copy "$work/c.v" "$work/photos/photo-$1x$2-q$4.jpg[Q=$4]"
done
rm -f "$work"/*.v
ls -l "$work/photos" | awk 'NR>1 {printf "input %s: %d bytes\n", $9, $5}'

env_common=(QUARKUS_HTTP_PORT=$PORT
  QUARKUS_DATASOURCE_REACTIVE_URL=postgresql://127.0.0.1:5432/pixmill_bench
  QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://127.0.0.1:5432/pixmill_bench
  QUARKUS_LOG_CONSOLE_JSON_ENABLED=false)
if [ "$MODE" = plain ]; then
  # what a user gets from `java -jar` alone: no heap size, no MALLOC_ARENA_MAX
  env -u MALLOC_ARENA_MAX "${env_common[@]}" "$JAVA" -jar target/quarkus-app/quarkus-run.jar >"$work/service.log" 2>&1 &
else
  # bin/run's settings (JAVA_OPTS overrides them, as it does there)
  env "${env_common[@]}" MALLOC_ARENA_MAX=2 "$JAVA" ${JAVA_OPTS:--Xmx192m -Xms64m -XX:MinHeapFreeRatio=15 -XX:MaxHeapFreeRatio=40 -XX:+UseSerialGC -XX:+UseCompactObjectHeaders} \
    -jar target/quarkus-app/quarkus-run.jar >"$work/service.log" 2>&1 &
fi
pid=$!
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$PORT/q/health/ready" >/dev/null && break; sleep 1; done
echo "== soak: mode=$MODE, concurrency 8, ${SECONDS_TOTAL}s =="
"$JAVA" bench/Soak.java "http://127.0.0.1:$PORT" "$work/photos" 8 "$SECONDS_TOTAL" "$pid"
