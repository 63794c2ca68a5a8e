#!/usr/bin/env bash
# The batch benchmark of the README: 50 photos of 12 MP (about 5 MB each) per batch, end to end
# (upload -> poll the job -> ZIP downloaded and read), one batch alone and two batches at once,
# with the service started the way bin/run starts it (192 MB heap). The results are JPEG q95 at
# full size, about 5 MB each, so each ZIP is some 250 MB: the service's peak RSS shows whether
# intake, the queue and the ZIP stream stay bounded. Usage: bench/batch.sh [files-per-batch]
set -euo pipefail
cd "$(dirname "$0")/.."
. bin/setup.sh
find_jdk25
ensure_libvips
ensure_postgres_running
ensure_database pixmill_bench
FILES=${1:-50}
PORT=${BENCH_PORT:-8092}
JAVA="$JAVA_HOME/bin/java"

[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -B -q package -DskipTests
work=$(mktemp -d)
trap 'rm -rf "$work"; [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null || true' EXIT

# A 12 MP "photo" (as in bench/run.sh): Perlin texture per channel plus sensor-like noise, JPEG q90.
for s in 1 2 3; do
  vips perlin "$work/p$s.v" 4000 3000 --cell-size 200 --seed $s
  vips linear "$work/p$s.v" "$work/l$s.v" 110 128 --uchar
done
vips bandjoin "$work/l1.v $work/l2.v $work/l3.v" "$work/rgb.v"
vips gaussnoise "$work/n.v" 4000 3000 --sigma 12 --mean 0
vips add "$work/rgb.v" "$work/n.v" "$work/a.v"
vips cast "$work/a.v" "$work/c.v" uchar
vips copy "$work/c.v" "$work/photo.jpg[Q=90]"
rm -f "$work"/*.v
echo "input: $(vipsheader "$work/photo.jpg"), $(stat -c %s "$work/photo.jpg") bytes, $FILES per batch"

QUARKUS_HTTP_PORT=$PORT \
QUARKUS_DATASOURCE_REACTIVE_URL=postgresql://127.0.0.1:5432/pixmill_bench \
QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://127.0.0.1:5432/pixmill_bench \
QUARKUS_LOG_CONSOLE_JSON_ENABLED=false MALLOC_ARENA_MAX=2 \
  "$JAVA" -Xmx192m -Xms64m -XX:MinHeapFreeRatio=15 -XX:MaxHeapFreeRatio=40 -XX:+UseSerialGC \
  -XX:+UseCompactObjectHeaders -jar target/quarkus-app/quarkus-run.jar >"$work/service.log" 2>&1 &
pid=$!
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$PORT/q/health/ready" >/dev/null && break; sleep 1; done

for c in 1 2; do
  echo "== $c batch(es) at once, JPEG q95 full size =="
  "$JAVA" bench/BatchLoad.java "http://127.0.0.1:$PORT" "$work/photo.jpg" "$FILES" "$c" output_format=jpg quality=95
  echo "service peak RSS so far: $(awk '/VmHWM/ {printf "%.0f MB", $2/1024}' /proc/$pid/status)"
done
echo "== 1 batch, WebP q80 fit 1000x1000 =="
"$JAVA" bench/BatchLoad.java "http://127.0.0.1:$PORT" "$work/photo.jpg" "$FILES" 1 output_format=webp quality=80 \
  width=1000 height=1000
echo "service peak RSS: $(awk '/VmHWM/ {printf "%.0f MB", $2/1024}' /proc/$pid/status)"
grep -E "ERROR|OutOfMemory" "$work/service.log" | head -5 || true
