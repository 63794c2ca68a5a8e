# Shared by the benchmark scripts: synthetic photos and a service started the way bin/run starts it.
# Source it after bin/setup.sh.

# bench_prepare: what every benchmark needs first, through bin/setup.sh: a JDK 25 (sets $JAVA),
# libvips, PostgreSQL running and the database $BENCH_DB (exported; default pixmill_bench).
bench_prepare() {
  find_jdk25
  ensure_libvips
  ensure_postgres_running
  export BENCH_DB=${BENCH_DB:-pixmill_bench}
  ensure_database "$BENCH_DB"
  JAVA="$JAVA_HOME/bin/java"
}

# synthetic_photo OUT.jpg WIDTH HEIGHT SEED QUALITY [CELL SIZE] [NOISE SIGMA] [NOISE MEAN]
# A "photo": smooth Perlin texture per channel plus sensor-like noise, as a JPEG.
synthetic_photo() {
  local out=$1 w=$2 h=$3 seed=$4 q=$5 cell=${6:-200} sigma=${7:-12} mean=${8:-0} tmp
  tmp=$(mktemp -d)
  for b in 1 2 3; do
    vips perlin "$tmp/p$b.v" "$w" "$h" --cell-size "$cell" --seed $(( seed * 10 + b ))
    vips linear "$tmp/p$b.v" "$tmp/l$b.v" 110 128 --uchar
  done
  vips bandjoin "$tmp/l1.v $tmp/l2.v $tmp/l3.v" "$tmp/rgb.v"
  vips gaussnoise "$tmp/n.v" "$w" "$h" --sigma "$sigma" --mean "$mean"
  vips add "$tmp/rgb.v" "$tmp/n.v" "$tmp/a.v"
  vips cast "$tmp/a.v" "$tmp/c.v" uchar
  vips copy "$tmp/c.v" "$out[Q=$q]"
  rm -rf "$tmp"
}

# start_service PORT LOG [plain]: starts target/quarkus-app on PORT against $BENCH_DB (pixmill_bench), with
# bin/run's JVM settings (JAVA_OPTS overrides them, as there) or, with "plain", as a bare
# `java -jar`; sets $pid and waits until it is ready.
start_service() {
  local port=$1 log=$2 mode=${3:-launcher}
  local env_common=(QUARKUS_HTTP_PORT=$port
    QUARKUS_DATASOURCE_REACTIVE_URL=postgresql://127.0.0.1:5432/${BENCH_DB:-pixmill_bench}
    QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://127.0.0.1:5432/${BENCH_DB:-pixmill_bench}
    QUARKUS_LOG_CONSOLE_JSON_ENABLED=false PIXMILL_ADMIN_TOKEN=bench-operator
    # load from one address and one key: the plans' limits (still checked) are raised out of the way
    PIXMILL_LIMITS_ANONYMOUS_REQUESTS_PER_MINUTE=1000000 PIXMILL_LIMITS_ANONYMOUS_CONVERSIONS_PER_DAY=1000000000
    PIXMILL_LIMITS_FREE_REQUESTS_PER_MINUTE=1000000 PIXMILL_LIMITS_FREE_CONVERSIONS_PER_DAY=1000000000)
  if [ "$mode" = plain ]; then
    # what a user gets from `java -jar` alone: no heap size, no MALLOC_ARENA_MAX
    env -u MALLOC_ARENA_MAX "${env_common[@]}" "$JAVA" -jar target/quarkus-app/quarkus-run.jar >"$log" 2>&1 &
  else
    env "${env_common[@]}" MALLOC_ARENA_MAX=2 "$JAVA" ${JAVA_OPTS:--Xmx192m -Xms64m -XX:MinHeapFreeRatio=15 \
      -XX:MaxHeapFreeRatio=40 -XX:+UseSerialGC -XX:+UseCompactObjectHeaders} \
      -jar target/quarkus-app/quarkus-run.jar >"$log" 2>&1 &
  fi
  pid=$!
  for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$port/q/health/ready" >/dev/null && return 0; sleep 1; done
  echo "the service did not become ready; its log:" >&2
  tail -20 "$log" >&2
  return 1
}

# peak_rss PID: the process's peak resident set so far
peak_rss() {
  awk '/VmHWM/ {printf "%.0f MB", $2/1024}' "/proc/$1/status"
}
