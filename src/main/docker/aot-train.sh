#!/bin/sh
# Records Pixmill's Java AOT cache (JEP 483/514/515) in a training run: a throwaway PostgreSQL,
# the service started exactly as the image starts it plus -XX:AOTCacheOutput, a few real
# conversions over HTTP, then SIGTERM; the JVM writes the cache as it exits. Run as root by the
# image build (Dockerfile.jvm, stage train); it can be run by hand the same way:
#   APP_DIR=target/quarkus-app TRAIN_PORT=8098 TRAIN_PGPORT=8099 JAVA=$JAVA_HOME/bin/java sh src/main/docker/aot-train.sh
set -eu

APP_DIR=${APP_DIR:-/deployments}
JAVA=${JAVA:-java}
PORT=${TRAIN_PORT:-8080}
PGPORT=${TRAIN_PGPORT:-5432}
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)}
WORK=$(mktemp -d)
chmod 755 "$WORK"
base="http://127.0.0.1:$PORT"
app_pid=""

log() { printf '[aot-train] %s\n' "$*" >&2; }
cleanup() {
  [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null || true
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$WORK/pg" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

log "starting a throwaway PostgreSQL on 127.0.0.1:$PGPORT"
mkdir "$WORK/pg" "$WORK/pgsock" && chown postgres "$WORK/pg" "$WORK/pgsock"
runuser -u postgres -- "$PGBIN/initdb" -D "$WORK/pg" -U postgres --auth=trust >/dev/null
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$WORK/pg" -w -l "$WORK/pgsock/pg.log" \
  -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $WORK/pgsock -c fsync=off" start >/dev/null
"$PGBIN/psql" -X -q -h 127.0.0.1 -p "$PGPORT" -U postgres -v ON_ERROR_STOP=1 \
  -c "create role pixmill login password 'pixmill'" -c "create database pixmill owner pixmill"

rm -f "$APP_DIR/app.aot"
log "training run"
(
  cd "$APP_DIR"
  # shellcheck disable=SC2086 # JAVA_OPTS is a list of options, as in the image's entrypoint
  QUARKUS_HTTP_PORT=$PORT PIXMILL_LIMITS_ENABLED=false \
  QUARKUS_DATASOURCE_REACTIVE_URL="postgresql://127.0.0.1:$PGPORT/pixmill" \
  QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://127.0.0.1:$PGPORT/pixmill" \
  exec "$JAVA" ${JAVA_OPTS:-} -XX:AOTCacheOutput=app.aot -jar quarkus-run.jar
) >"$WORK/app.log" 2>&1 &
app_pid=$!

ready=""
for _ in $(seq 1 180); do
  if curl -fs "$base/q/health/ready" >/dev/null 2>&1; then ready=1; break; fi
  kill -0 "$app_pid" 2>/dev/null || break
  sleep 1
done
if [ -z "$ready" ]; then log "the service did not become ready:"; tail -n 40 "$WORK/app.log" >&2; exit 1; fi

# The work of a request: multipart intake, the engine (decode, resize, encode per format), the
# job queue (NOTIFY, SSE, status) and the download.
vips gaussnoise "$WORK/noise.v" 1600 1200
vips colourspace "$WORK/noise.v" "$WORK/photo.jpg[Q=90]" srgb
vips copy "$WORK/photo.jpg" "$WORK/photo.png"
for input in photo.jpg photo.png; do
  for format in webp jpg png avif; do
    id=$(curl -fsS -F "file=@$WORK/$input" -F output_format=$format -F width=800 "$base/api/v1/convert" \
      | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
    [ -n "$id" ] || { log "convert of $input to $format was refused"; exit 1; }
    curl -sS -m 30 "$base/api/v1/convert/$id/events" >/dev/null || true
    token=""
    for _ in $(seq 1 60); do
      token=$(curl -fsS "$base/api/v1/convert/$id/status" | sed -n 's/.*"download_url":"[^"]*\/download\/\([^"]*\)".*/\1/p')
      [ -n "$token" ] && break
      sleep 1
    done
    [ -n "$token" ] || { log "$input to $format did not finish"; exit 1; }
    curl -fsS -o /dev/null "$base/api/v1/download/$token"
  done
done
curl -fsS -F "file=@$WORK/photo.jpg" -F target_kb=100 "$base/api/v1/compress" >/dev/null
curl -fsS -o /dev/null "$base/q/metrics"

log "stopping; the JVM writes the cache as it exits"
kill -TERM "$app_pid"
wait "$app_pid" || true
app_pid=""
if [ ! -s "$APP_DIR/app.aot" ]; then log "no cache was written:"; tail -n 40 "$WORK/app.log" >&2; exit 1; fi
chmod 644 "$APP_DIR/app.aot"
log "wrote $APP_DIR/app.aot ($(du -k "$APP_DIR/app.aot" | cut -f1) KB)"
