#!/usr/bin/env bash
# Pixmill against ipx 3.1.1 (sharp 0.34.5, libvips 8.17 from npm) on this machine, in one run,
# one server at a time (so they never share the cores), driven by the same client
# (bench/OriginLoad.java, JDK HttpClient over HTTP/1.1; it reports its own CPU):
#   1. repeated work: Zipf over 20 photos x 5 transforms, as a CDN origin sees it; peak RSS;
#   2. distinct work: the photos in turn (each Pixmill upload made unique by a JPEG comment),
#      12 MP -> fit 1000x1000 -> WebP q80 and JPEG q80: ipx, Pixmill's imgcompress sync=1
#      quality=80, the async convert end to end, and optimize level 10 beside them;
#   3. Pixmill's start -> /q/health/ready with the AOT cache (recorded first if absent) and without.
# Prints markdown tables, also kept in bench/.work/ipx-results-<time>.md.
# usage: bench/ipx.sh [--quick]   (--quick: 8 s per run after 2 s of warm-up, instead of 30 and 5)
# env: BENCH_DB (pixmill_bench), BENCH_PORT (8091, Pixmill), IPX_PORT (8092), SECONDS_PER_RUN, WARMUP
set -euo pipefail
cd "$(dirname "$0")/.."
. bin/setup.sh
. bench/lib.sh
bench_prepare
if [ "${1:-}" = --quick ]; then SECONDS_PER_RUN=${SECONDS_PER_RUN:-8}; WARMUP=${WARMUP:-2};
else SECONDS_PER_RUN=${SECONDS_PER_RUN:-30}; WARMUP=${WARMUP:-5}; fi
PORT=${BENCH_PORT:-8091}
IPX_PORT=${IPX_PORT:-8092}
work=bench/.work   # gitignored: ipx's node_modules, the photos, the AOT cache, the results
mkdir -p "$work"
results="$work/ipx-results-$(date -u +%Y%m%dT%H%M%SZ).md"
raw="$work/raw.$$"
: >"$raw"
pid=""
trap '[ -n "${pid:-}" ] && kill "$pid" 2>/dev/null; rm -f "$raw"' EXIT

# --- ipx from npm, outside the tracked files
command -v node >/dev/null || die "ipx needs Node.js 18.17+ (node not found)"
if [ "$(node -p 'require("./'"$work"'/ipx/node_modules/ipx/package.json").version' 2>/dev/null)" != 3.1.1 ]; then
  log "installing ipx 3.1.1"
  mkdir -p "$work/ipx"
  (cd "$work/ipx" && { [ -f package.json ] || npm init -y >/dev/null; } && npm install --no-audit --no-fund ipx@3.1.1 >&2)
fi
sharp_versions=$(cd "$work/ipx" && node -p 'const v=require("sharp").versions; "sharp "+v.sharp+", libvips "+v.vips')

# --- Pixmill, rebuilt when the sources are newer than the jar (as bin/run does)
jar=target/quarkus-app/quarkus-run.jar
if [ ! -f "$jar" ] || [ -n "$(find src pom.xml -newer "$jar" -print -quit)" ]; then
  log "building Pixmill"
  ./mvnw -B -q package -DskipTests >&2
fi
aot="$work/pixmill.aot"
[ -f "$aot" ] && [ "$aot" -ot "$jar" ] && rm -f "$aot"   # trained on another jar

# --- 20 distinct 12 MP photos (synthetic: smooth texture + sensor noise, JPEG q90, ~5 MB), kept
photos="$work/photos"
mkdir -p "$photos"
for i in $(seq 0 19); do
  f=$(printf '%s/p%02d.jpg' "$photos" "$i")
  [ -f "$f" ] && continue
  log "making $f"
  if [ $((i % 4)) = 3 ]; then w=3000 h=4000; else w=4000 h=3000; fi   # a quarter portrait
  synthetic_photo "$f.tmp.jpg" "$w" "$h" $((i + 1)) 90 $((120 + 40 * (i % 5))) $((8 + i % 3 * 4))
  mv "$f.tmp.jpg" "$f"
done

mkdir -p "$work/classes"
[ "$work/classes/OriginLoad.class" -nt bench/OriginLoad.java ] || "$JAVA_HOME/bin/javac" -d "$work/classes" bench/OriginLoad.java
load() { # load LABEL key=value...: one measured run, its RESULT line kept
  local label=$1; shift
  "$JAVA" -Xmx256m -XX:+UseSerialGC -cp "$work/classes" OriginLoad label="$label" photos="$photos" \
    seconds="$SECONDS_PER_RUN" warmup="$WARMUP" concurrency=4 "$@" | tee -a "$raw"
}
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
started_load=$(loadavg)

# --- ipx: its CLI (listhen) on loopback, defaults as installed (sharp's threads = cores)
log "ipx: $sharp_versions"
NODE_ENV=production node "$work/ipx/node_modules/ipx/bin/ipx.mjs" serve --dir "$photos" \
  --host 127.0.0.1 --port "$IPX_PORT" >"$work/ipx.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
  curl -sf -o /dev/null "http://127.0.0.1:$IPX_PORT/s_10x10,f_jpeg/p00.jpg" && break; sleep 0.1
done
ipx="base=http://127.0.0.1:$IPX_PORT target=ipx pid=$pid"
load ipx-zipf $ipx pattern=zipf
load ipx-webp $ipx format=webp
load ipx-jpg $ipx format=jpg
ipx_hwm=$(peak_rss "$pid")
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""

# --- Pixmill: bin/run's JVM settings
opts="-Xmx192m -Xms64m -XX:MinHeapFreeRatio=15 -XX:MaxHeapFreeRatio=40 -XX:+UseSerialGC -XX:+UseCompactObjectHeaders"
stop_pixmill() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""; }
create_key() {
  curl -sf -H 'Authorization: Bearer bench-operator' -H 'Content-Type: application/json' \
    -d '{"name":"ipx-bench","plan":"professional","credits":1000000000,"limits":{"optimize_max_bytes":20971520,
         "optimize_max_width":8000,"optimize_max_height":8000,"requests_per_minute":1000000,
         "conversions_per_day":1000000000}}' \
    "http://127.0.0.1:$PORT/api/admin/keys" | sed -E 's/.*"key":"([^"]+)".*/\1/'
}
if [ ! -f "$aot" ]; then
  # as bin/run's first start: record the cache, here on a little of the traffic measured below
  log "recording the AOT cache"
  JAVA_OPTS="-XX:AOTCacheOutput=$aot $opts" start_service "$PORT" "$work/pixmill-train.log"
  key=$(create_key)
  for t in imgcompress convert; do
    SECONDS_PER_RUN=5 WARMUP=0 load train "base=http://127.0.0.1:$PORT" target=$t key="$key" format=webp >/dev/null
  done
  stop_pixmill   # the cache is written as the JVM exits
  [ -f "$aot" ] || die "no AOT cache was written; see $work/pixmill-train.log"
fi

# start -> first 200 from /q/health/ready, polled every 20 ms beside start_service's own wait,
# through bash's /dev/tcp (a curl every 20 ms would take CPU from the start it measures)
ready_probe() {
  local line
  { exec 3<>"/dev/tcp/127.0.0.1/$PORT"; } 2>/dev/null || return 1
  printf 'GET /q/health/ready HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
  read -r line <&3 || true
  exec 3<&-
  [[ $line == *" 200"* ]]
}
ready_ms() { # ready_ms AOT_OPTION: sets $ms, leaves the service running (its $pid set)
  local t0 poller
  rm -f "$work/ready.at"
  t0=$(date +%s%N)
  (for _ in $(seq 1 3000); do
     ready_probe && { date +%s%N >"$work/ready.at"; exit; }
     sleep 0.02
   done) &
  poller=$!
  JAVA_OPTS="$1 $opts" start_service "$PORT" "$work/pixmill.log"
  wait "$poller"
  ms=$(( ($(cat "$work/ready.at") - t0) / 1000000 ))
}
median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ready_aot=""; ready_plain=""
for _ in 1 2 3; do ready_ms "-XX:AOTCache=$aot"; ready_aot="$ready_aot $ms"; stop_pixmill; done
for _ in 1 2; do ready_ms ""; ready_plain="$ready_plain $ms"; stop_pixmill; done

# the measured service starts with the cache, as bin/run starts it
ready_ms "-XX:AOTCache=$aot"
key=$(create_key)
px="base=http://127.0.0.1:$PORT pid=$pid key=$key"
load px-zipf-imgcompress $px target=imgcompress pattern=zipf
load px-zipf-convert $px target=convert pattern=zipf
for f in webp jpg; do
  load "px-$f-imgcompress" $px target=imgcompress format=$f
  load "px-$f-convert" $px target=convert format=$f
  load "px-$f-optimize" $px target=optimize format=$f
done
px_hwm=$(peak_rss "$pid")
stop_pixmill

# --- the tables
v() { awk -v l="$1" -v k="$2" '$2 == "label=" l { for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) print kv[2] } }' "$raw"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
verdict() { awk -v r="$1" -v op="$2" -v t="$3" 'BEGIN { ok = (op == ">=") ? r >= t : r <= t; print (ok ? "met" : "**not met**") }'; }
cpu_ms() { awk -v c="$(v "$1" server_cores)" -v t="$(v "$1" throughput)" 'BEGIN { if (t > 0) printf "%.0f", 1000 * c / t; else print "-" }'; }
row() { # row SCENARIO IPX_LABEL PIXMILL_LABEL TARGET_OP TARGET
  local a b r
  a=$(v "$2" throughput); b=$(v "$3" throughput); r=$(ratio "$b" "$a")
  printf '| %s | %s/s (%s / %s ms) | %s/s (%s / %s ms) | **%s×** | %s | %s / %s ms (%s×) |\n' "$1" "$a" "$(v "$2" p50)" "$(v "$2" p95)" \
    "$b" "$(v "$3" p50)" "$(v "$3" p95)" "$r" "$([ -n "$4" ] && echo "≥ $5×: $(verdict "$r" "$4" "$5")" || echo reported)" \
    "$(cpu_ms "$2")" "$(cpu_ms "$3")" "$(ratio "$(cpu_ms "$2")" "$(cpu_ms "$3")")"
}
{
  echo "ipx 3.1.1 ($sharp_versions, Node $(node --version)) against Pixmill $(git rev-parse --short HEAD) on $(nproc) cores,"
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'); ${SECONDS_PER_RUN}s per run after ${WARMUP}s of warm-up, concurrency 4;"
  echo "load average $started_load at the start, $(loadavg) at the end."
  echo
  echo "| work | ipx: throughput (p50 / p95) | Pixmill: throughput (p50 / p95) | Pixmill / ipx | target | server CPU per image, ipx / Pixmill (ipx's ÷ Pixmill's) |"
  echo "|---|---|---|---|---|---|"
  row "distinct, → WebP q80: imgcompress sync" ipx-webp px-webp-imgcompress ">=" 1.1
  row "distinct, → WebP q80: convert (upload, SSE, download)" ipx-webp px-webp-convert ">=" 1.0
  row "distinct, → WebP: optimize level 10" ipx-webp px-webp-optimize "" ""
  row "distinct, → JPEG q80: imgcompress sync" ipx-jpg px-jpg-imgcompress ">=" 1.1
  row "distinct, → JPEG q80: convert (upload, SSE, download)" ipx-jpg px-jpg-convert ">=" 1.0
  row "distinct, → JPEG: optimize level 10" ipx-jpg px-jpg-optimize "" ""
  row "repeated (Zipf, 20 photos × 5 transforms): imgcompress sync" ipx-zipf px-zipf-imgcompress ">=" 5
  row "repeated (Zipf): convert" ipx-zipf px-zipf-convert "" ""
  a=$(v ipx-zipf peak_rss_mb); b=$(v px-zipf-imgcompress peak_rss_mb); c=$(v px-zipf-convert peak_rss_mb)
  [ "$c" -gt "$b" ] && b=$c
  r=$(ratio "$b" "$a")
  echo
  echo "| | ipx | Pixmill | Pixmill / ipx | target |"
  echo "|---|---|---|---|---|"
  echo "| peak RSS under the Zipf load | $a MB | $b MB | **$r×** | ≤ 0.5× and ≤ 600 MB: $( [ "$(verdict "$r" "<=" 0.5)" = met ] && [ "$b" -le 600 ] && echo met || echo '**not met**') |"
  echo "| peak RSS over the whole run (VmHWM) | $ipx_hwm | $px_hwm | | |"
  m=$(echo "$ready_aot" | median)
  echo "| start → ready, AOT cache (median of 3) | | $m ms (${ready_aot# }) | | ≤ 1000 ms: $([ "$m" -le 1000 ] && echo met || echo '**not met**') |"
  echo "| start → ready, no AOT cache (median of 2) | | $(echo "$ready_plain" | median) ms (${ready_plain# }) | | |"
  echo "| Quarkus' own \"started in\", last start (AOT cache) | | $(sed -nE 's/.*started in ([0-9.]+s).*/\1/p' "$work/pixmill.log" | tail -1) | | |"
  grep -qi "unable to use\|AOT cache.*disabled" "$work/pixmill.log" && echo && echo "**The AOT cache was not used**: see $work/pixmill.log."
  echo
  echo "Every run: failures, the client's and the server's CPU (cores busy), load average before/after."
  echo
  echo "| run | completed | failed | client CPU | server CPU | peak RSS | load |"
  echo "|---|---|---|---|---|---|---|"
  while read -r line; do
    l=$(sed -E 's/.*label=([^ ]+).*/\1/' <<<"$line")
    [ "$l" = train ] && continue
    printf '| %s | %s | %s | %s | %s | %s MB | %s |\n' "$l" "$(v "$l" completed)" "$(v "$l" failed)" \
      "$(v "$l" client_cores)" "$(v "$l" server_cores)" "$(v "$l" peak_rss_mb)" "$(v "$l" load)"
  done <"$raw"
} | tee "$results"
log "kept in $results"
