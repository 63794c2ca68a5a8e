#!/usr/bin/env bash
# Reproduces the README's benchmark figures on this machine:
#   1. engine time per image (12 MP JPEG -> fit 1000x1000 -> WebP q80 / JPEG q80), one thread,
#      next to vipsthumbnail on the same image with its process start-up subtracted;
#   2. HTTP end-to-end throughput at concurrency 4 (upload, wait, download) and the service's
#      peak RSS under that load;
#   3. the synchronous dialects at concurrency 4 on a 2 MB photo of 2000x1500 (the optimize
#      dialect's limits): optimize level 10, and imgcompress sync=1 (smart quality), next to the
#      asynchronous convert of the same photo.
# Everything runs on loopback. Usage: bench/run.sh [seconds-per-http-run]
set -euo pipefail
cd "$(dirname "$0")/.."
. bin/setup.sh
. bench/lib.sh
bench_prepare
command -v vipsthumbnail >/dev/null || as_root apt-get install -y -qq libvips-tools >/dev/null
SECONDS_PER_RUN=${1:-30}
PORT=${BENCH_PORT:-8091}

[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -B -q package -DskipTests
work=$(mktemp -d)
trap 'rm -rf "$work"; [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null || true' EXIT

# A 12 MP "photo", JPEG q90 (~5 MB).
synthetic_photo "$work/photo.jpg" 4000 3000 0 90
echo "input: $(vipsheader "$work/photo.jpg"), $(stat -c %s "$work/photo.jpg") bytes"
# the same photo within the optimize dialect's 2000x2000, about 2 MB (Q=97 keeps its noise)
vips thumbnail "$work/photo.jpg" "$work/photo2mb.jpg[Q=97]" 2000
echo "sync input: $(vipsheader "$work/photo2mb.jpg"), $(stat -c %s "$work/photo2mb.jpg") bytes"

median_ms() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
time_cmd_ms() { # runs "$@" N times, prints the median wall time in ms
  local n=$1; shift
  for _ in $(seq 1 "$n"); do
    local t0=$(date +%s%N); "$@" >/dev/null 2>&1; local t1=$(date +%s%N)
    echo $(( (t1 - t0) / 1000 ))
  done | median_ms | awk '{printf "%.1f", $1/1000}'
}

echo "== engine, one thread (median of 30 after 5 warm-up) =="
cp="target/quarkus-app/app/*:target/quarkus-app/lib/main/*:target/quarkus-app/lib/boot/*"
for f in webp jpg; do
  "$JAVA" --enable-native-access=ALL-UNNAMED -cp "$cp" bench/EngineBench.java "$work/photo.jpg" "$f" 30 2>/dev/null
done

# vipsthumbnail's per-image time without its process start-up: one process converting 21 copies
# minus one process converting 1 copy, divided by 20 (start-up and library loading cancel out).
echo "== vipsthumbnail, per image without process start-up (median of 7, one thread) =="
mkdir -p "$work/many"
for i in $(seq 1 21); do cp "$work/photo.jpg" "$work/many/p$i.jpg"; done
for f in "webp[Q=80,strip]" "jpg[Q=80,optimize_coding,strip]"; do
  one=$(time_cmd_ms 7 env VIPS_CONCURRENCY=1 vipsthumbnail "$work/many/p1.jpg" -s 1000x1000 -o "tn_%s.$f")
  all=$(time_cmd_ms 7 env VIPS_CONCURRENCY=1 vipsthumbnail "$work"/many/p*.jpg -s 1000x1000 -o "tn_%s.$f")
  echo "vipsthumbnail -> ${f%%\[*}: $(awk -v a="$all" -v b="$one" 'BEGIN{printf "%.1f", (a-b)/20}') ms per image (1 image: ${one} ms, 21 images: ${all} ms)"
done

echo "== HTTP end to end, concurrency 4, ${SECONDS_PER_RUN}s per format =="
start_service "$PORT" "$work/service.log"
for f in webp jpg; do
  "$JAVA" bench/HttpLoad.java "http://127.0.0.1:$PORT" "$work/photo.jpg" "$f" 4 "$SECONDS_PER_RUN"
done
key=$(curl -sf -H 'Authorization: Bearer bench-operator' -H 'Content-Type: application/json' \
  -d '{"name":"bench"}' "http://127.0.0.1:$PORT/api/admin/keys" | sed -E 's/.*"key":"([^"]+)".*/\1/')
echo "== synchronous dialects, concurrency 4, ${SECONDS_PER_RUN}s each, 2 MB photo =="
"$JAVA" bench/HttpLoad.java "http://127.0.0.1:$PORT" "$work/photo2mb.jpg" jpg 4 "$SECONDS_PER_RUN" convert
"$JAVA" bench/HttpLoad.java "http://127.0.0.1:$PORT" "$work/photo2mb.jpg" jpg 4 "$SECONDS_PER_RUN" optimize "$key"
"$JAVA" bench/HttpLoad.java "http://127.0.0.1:$PORT" "$work/photo2mb.jpg" webp 4 "$SECONDS_PER_RUN" optimize "$key"
"$JAVA" bench/HttpLoad.java "http://127.0.0.1:$PORT" "$work/photo2mb.jpg" jpg 4 "$SECONDS_PER_RUN" imgcompress "$key"
echo "service peak RSS: $(peak_rss $pid)"
