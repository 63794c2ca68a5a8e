#!/usr/bin/env bash
# The command-line benchmark of the README (Command line): PHOTOS photos of 12 MP (default 100;
# ten distinct synthetic photos, each copied PHOTOS/10 times) to WebP q80 fitting inside
# 1000x1000, three ways, each on both cores:
#   (a) bin/pixmill convert DIR -o OUT (one JVM, one job per core), and the start time of a one-file run;
#   (b) vipsthumbnail in a shell loop (one process per photo), sequential and with xargs -P2;
#   (c) the HTTP path: two batches of PHOTOS/2 at once through the service (bench/BatchLoad.java),
#       upload to ZIP downloaded, the service started the way bin/run starts it.
# The machine may be shared: the load average is printed before each part.
# Usage: bench/cli.sh [photos]   (BENCH_DB, default pixmill_bench; BENCH_PORT, default 8094)
set -euo pipefail
cd "$(dirname "$0")/.."
. bin/setup.sh
. bench/lib.sh
bench_prepare
PHOTOS=${1:-100}
PORT=${BENCH_PORT:-8094}
[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -B -q package -DskipTests

work=$(mktemp -d)
trap 'rm -rf "$work"; [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null || true' EXIT
mkdir -p "$work/in" "$work/cli" "$work/vips1" "$work/vips2"
for s in $(seq 0 9); do synthetic_photo "$work/seed$s.jpg" 4000 3000 "$s" 90; done
for i in $(seq 1 "$PHOTOS"); do cp "$work/seed$(( i % 10 )).jpg" "$work/in/photo$i.jpg"; done
echo "input: $PHOTOS photos of $(vipsheader "$work/seed0.jpg" | sed 's/.*: //'), $(du -sm "$work/in" | cut -f1) MB"
load() { echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"; }
elapsed() { awk -v s="$1" -v e="$(date +%s.%N)" 'BEGIN { printf "%.2f", e - s }'; }
rate() { awk -v n="$PHOTOS" -v t="$1" 'BEGIN { printf "%.1f", n / t }'; }

echo "== (a) bin/pixmill convert =="
# the first file-command run trains the CLI's AOT cache (built in the background): wait for it
bin/pixmill convert "$work/seed0.jpg" -o "$work/warm" -f webp --quiet
for _ in $(seq 1 60); do [ -f target/quarkus-app/pixmill-cli.aot ] && break; sleep 1; done
load
for i in $(seq 1 10); do
  /usr/bin/time -f "%e %U %S" -a -o "$work/times" bin/pixmill convert "$work/seed1.jpg" -o "$work/warm" -f webp \
    --width 1000 --height 1000 -q 80 --quiet
done
sort -n "$work/times" | awk '{ w[NR] = $1; c[NR] = $2 + $3 } END { printf "one-file run, 12 MP to WebP (10 runs): " \
  "min %.2f s, median %.2f s wall; CPU %.2f s\n", w[1], (w[5] + w[6]) / 2, c[1] }'
# the same without the AOT cache, for comparison
for i in $(seq 1 5); do
  PIXMILL_CLI_AOT=false /usr/bin/time -f "%e" -a -o "$work/noaot" bin/pixmill convert "$work/seed1.jpg" \
    -o "$work/warm" -f webp --width 1000 --height 1000 -q 80 --quiet
done
echo "without the AOT cache (5 runs): min $(sort -n "$work/noaot" | head -1) s, median $(sort -n "$work/noaot" | sed -n 3p) s"
load
start=$(date +%s.%N)
/usr/bin/time -f "%M" -o "$work/rss" bin/pixmill convert "$work/in" -o "$work/cli" -f webp --width 1000 --height 1000 \
  -q 80 --quiet
t=$(elapsed "$start")
echo "pixmill convert: $t s, $(rate "$t") files/s, peak RSS $(( $(cat "$work/rss") / 1024 )) MB," \
  "$(ls "$work/cli" | wc -l) results, $(du -sk "$work/cli" | cut -f1) KB"

echo "== (b) vipsthumbnail =="
load
start=$(date +%s.%N)
for f in "$work"/in/*.jpg; do vipsthumbnail "$f" -s 1000x1000 -o "$work/vips1/%s.webp[Q=80,strip]"; done
t=$(elapsed "$start")
echo "vipsthumbnail loop, sequential: $t s, $(rate "$t") files/s, $(ls "$work/vips1" | wc -l) results"
load
start=$(date +%s.%N)
printf '%s\0' "$work"/in/*.jpg | xargs -0 -P2 -I{} vipsthumbnail {} -s 1000x1000 -o "$work/vips2/%s.webp[Q=80,strip]"
t=$(elapsed "$start")
echo "vipsthumbnail, xargs -P2: $t s, $(rate "$t") files/s, $(ls "$work/vips2" | wc -l) results"

echo "== (c) HTTP: two batches of $(( PHOTOS / 2 )) at once =="
start_service "$PORT" "$work/service.log"
load
"$JAVA" bench/BatchLoad.java "http://127.0.0.1:$PORT" "$work/seed0.jpg" "$(( PHOTOS / 2 ))" 2 output_format=webp \
  quality=80 width=1000 height=1000
echo "service peak RSS: $(peak_rss "$pid")"
