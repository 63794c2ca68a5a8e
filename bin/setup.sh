# Shared set-up for bin/run and bin/test (sourced, not executed). Idempotent: each step checks
# first and only installs or creates what is missing.
#   - a JDK 25 (JAVA_HOME if it is 25+, else the newest 25+ under /usr/lib/jvm)
#   - libvips 8.14+ and its codecs (Debian: libvips42), and TurboJPEG (libturbojpeg0), installed with apt when we may
#   - PostgreSQL on $PIXMILL_DB_HOST:$PIXMILL_DB_PORT with role and databases for Pixmill
#   - for the tests only: Debian's chromium and chromium-driver (the web page's end-to-end test)

PIXMILL_DB_HOST=${PIXMILL_DB_HOST:-127.0.0.1}
PIXMILL_DB_PORT=${PIXMILL_DB_PORT:-5432}
PIXMILL_DB_USER=${PIXMILL_DB_USER:-pixmill}
PIXMILL_DB_PASSWORD=${PIXMILL_DB_PASSWORD:-pixmill}

log() { printf '[pixmill] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@";
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo "$@";
  else return 1; fi
}

java_major() { "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }

find_jdk25() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ] && [ "$(java_major "$JAVA_HOME/bin/java")" -ge 25 ] 2>/dev/null; then
    return 0
  fi
  local best="" best_v=0 d v
  for d in /usr/lib/jvm/*/ /opt/java/*/ "$HOME"/.sdkman/candidates/java/*/; do
    [ -x "${d}bin/javac" ] || continue
    v=$(java_major "${d}bin/java" 2>/dev/null || echo 0)
    if [ "${v:-0}" -ge 25 ] 2>/dev/null && [ "$v" -gt "$best_v" ]; then best=${d%/}; best_v=$v; fi
  done
  [ -n "$best" ] || die "Pixmill needs a JDK 25 or newer; none found (set JAVA_HOME or install e.g. temurin-25-jdk)."
  export JAVA_HOME=$best
  log "using JDK $best_v at $JAVA_HOME"
}

ensure_libvips() {
  # grep without -q: with pipefail, -q quitting early could fail the pipeline.
  # The `vips` command (libvips-tools) renders SVG and PDF in a bounded child process.
  # libturbojpeg0 (TurboJPEG) does the lossless JPEG re-coding pass.
  if ldconfig -p 2>/dev/null | grep 'libvips\.so\.42' >/dev/null && command -v vips >/dev/null 2>&1 \
     && ldconfig -p 2>/dev/null | grep 'libturbojpeg\.so\.0' >/dev/null; then
    return 0
  fi
  log "libvips42, libvips-tools or libturbojpeg0 is missing; installing them with apt"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
    && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
         libvips42 libvips-tools librsvg2-2 libpoppler-glib8 libheif1 libturbojpeg0 >/dev/null \
    || die "install libvips42, libvips-tools and libturbojpeg0 (apt-get install libvips42 libvips-tools libturbojpeg0) and run again; Pixmill's engine is libvips 8.14+"
}

# The web page's end-to-end test drives Debian's headless Chromium through its chromedriver; the
# test fails (never skips) without them, so they are installed here rather than left optional.
ensure_chromium() {
  if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
    return 0
  fi
  log "chromium or chromium-driver is missing (the web page's end-to-end test needs them); installing them with apt"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
    && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
         chromium chromium-driver >/dev/null \
    || die "install chromium and chromium-driver (apt-get install chromium chromium-driver) and run again; the web page's test drives them"
}

pg_ready() { pg_isready -q -h "$PIXMILL_DB_HOST" -p "$PIXMILL_DB_PORT" 2>/dev/null; }

ensure_postgres_running() {
  pg_ready && return 0
  case "$PIXMILL_DB_HOST" in 127.0.0.1|localhost|::1) ;; *) die "PostgreSQL at $PIXMILL_DB_HOST:$PIXMILL_DB_PORT does not answer";; esac
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    log "PostgreSQL is not installed; installing it with apt"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null \
      || die "install PostgreSQL (apt-get install postgresql) or point PIXMILL_DB_HOST at one"
  fi
  local v
  v=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
  [ -n "$v" ] || die "no PostgreSQL cluster found under /etc/postgresql"
  log "starting PostgreSQL $v"
  as_root pg_ctlcluster --skip-systemctl-redirect "$v" main start 2>/dev/null || as_root pg_ctlcluster "$v" main start || true
  for _ in $(seq 1 30); do pg_ready && return 0; sleep 1; done
  die "PostgreSQL did not come up on $PIXMILL_DB_HOST:$PIXMILL_DB_PORT"
}

# Role and databases are created as the postgres system user over the local socket (peer auth),
# so no trust auth is assumed; the service then connects over TCP with a password.
ensure_database() {
  local db
  case "$PIXMILL_DB_HOST" in 127.0.0.1|localhost|::1) ;; *) return 0;; esac
  psql_admin() { as_root runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 "$@"; }
  if ! psql_admin -tAc "select 1" >/dev/null 2>&1; then
    log "cannot act as the postgres system user; assuming role $PIXMILL_DB_USER and its databases exist"
    return 0
  fi
  # (Re)set login, createdb and password every time: a role left by an older set-up or created
  # without a password would otherwise fail under scram-sha-256 authentication.
  psql_admin -c "do \$\$ begin
      if not exists (select from pg_roles where rolname = '$PIXMILL_DB_USER') then
        create role \"$PIXMILL_DB_USER\";
      end if;
      alter role \"$PIXMILL_DB_USER\" login createdb password '$PIXMILL_DB_PASSWORD';
      end \$\$;" >/dev/null
  for db in "$@"; do
    if [ -z "$(psql_admin -tAc "select 1 from pg_database where datname = '$db'")" ]; then
      log "creating database $db"
      psql_admin -c "create database \"$db\" owner \"$PIXMILL_DB_USER\"" >/dev/null
    fi
  done
}
