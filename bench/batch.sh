#!/usr/bin/env bash
# The batch benchmark of the README: 50 photos of 12 MP (about 5 MB each) per batch, end to end
# (upload -> poll the job -> ZIP downloaded and read), one batch alone and two batches at once,
# with the service started the way bin/run starts it (192 MB heap). The results are JPEG q95 at
# full size, about 5 MB each, so each ZIP is some 250 MB: the service's peak RSS shows whether
# intake, the queue and the ZIP stream stay bounded. Usage: bench/batch.sh [files-per-batch]
set -euo pipefail
cd "$(dirname "$0")/.."
. bin/setup.sh
. bench/lib.sh
bench_prepare
FILES=${1:-50}
PORT=${BENCH_PORT:-8092}

[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -B -q package -DskipTests
work=$(mktemp -d)
trap 'rm -rf "$work"; [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null || true' EXIT

# A 12 MP "photo" (the one of bench/run.sh), JPEG q90.
synthetic_photo "$work/photo.jpg" 4000 3000 0 90
echo "input: $(vipsheader "$work/photo.jpg"), $(stat -c %s "$work/photo.jpg") bytes, $FILES per batch"

start_service "$PORT" "$work/service.log"

for c in 1 2; do
  echo "== $c batch(es) at once, JPEG q95 full size =="
  "$JAVA" bench/BatchLoad.java "http://127.0.0.1:$PORT" "$work/photo.jpg" "$FILES" "$c" output_format=jpg quality=95
  echo "service peak RSS so far: $(peak_rss $pid)"
done
echo "== 1 batch, WebP q80 fit 1000x1000 =="
"$JAVA" bench/BatchLoad.java "http://127.0.0.1:$PORT" "$work/photo.jpg" "$FILES" 1 output_format=webp quality=80 \
  width=1000 height=1000
echo "service peak RSS: $(peak_rss $pid)"
grep -E "ERROR|OutOfMemory" "$work/service.log" | head -5 || true
