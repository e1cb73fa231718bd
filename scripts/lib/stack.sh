# Shared by scripts/run, scripts/stop and scripts/test: install what is
# missing, build, and start or stop one stack (MariaDB, Redis, nginx, the
# FastCGI pool and the job worker) whose data, sockets and logs all live
# under $BB_VAR. Sourced, not run.

BB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BB_PORT=${BEAUBELLE_PORT:-8080}
BB_VAR=${BEAUBELLE_VAR:-$BB_ROOT/var}
mkdir -p "$BB_VAR"
BB_VAR=$(cd "$BB_VAR" && pwd)
if [ "${BEAUBELLE_SANITIZE:-0}" = 1 ]; then
  BB_BUILD=${BEAUBELLE_BUILD:-$BB_ROOT/build-asan}
  BB_CONFIGURE_FLAGS="--enable-sanitizers"
else
  BB_BUILD=${BEAUBELLE_BUILD:-$BB_ROOT/build}
  BB_CONFIGURE_FLAGS=""
fi
BB_BIN=$BB_BUILD/app/beaubelle
BB_URL="http://127.0.0.1:$BB_PORT"

# Debian packages the stack needs to build and run.
BB_PACKAGES=(
  build-essential autoconf automake libtool pkg-config
  libfcgi-dev libmariadb-dev libjson-c-dev libcurl4-openssl-dev libjwt-dev
  libhiredis-dev libsodium-dev libssl-dev libvips-dev libsystemd-dev
  mariadb-server mariadb-client redis-server redis-tools nginx libnginx-mod-nchan
  curl ca-certificates
)

bb_say() { printf '==> %s\n' "$*" >&2; }
bb_die() { printf 'error: %s\n' "$*" >&2; exit 1; }

bb_sudo() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else bb_die "need root (or sudo) to run: $*"; fi
}

# Install the Debian packages that are missing; a no-op when all are there.
bb_install_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  bb_say "installing ${missing[*]}"
  bb_sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null || bb_die "apt-get update failed"
  bb_sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null \
    || bb_die "could not install ${missing[*]}"
}

# Configure (once) and build into $BB_BUILD.
bb_build() {
  ( cd "$BB_ROOT"
    if [ ! -x configure ] || [ configure.ac -nt configure ] || [ Makefile.am -nt Makefile.in ]; then
      bb_say "autoreconf"
      autoreconf -fi >/dev/null 2>&1 || autoreconf -fi
    fi )
  mkdir -p "$BB_BUILD"
  if [ ! -f "$BB_BUILD/Makefile" ] || [ "$BB_ROOT/configure" -nt "$BB_BUILD/Makefile" ]; then
    bb_say "configure $BB_CONFIGURE_FLAGS"
    ( cd "$BB_BUILD" && "$BB_ROOT/configure" -q $BB_CONFIGURE_FLAGS ) || bb_die "configure failed"
  fi
  bb_say "make"
  make -C "$BB_BUILD" -j"$(nproc)" >/dev/null || make -C "$BB_BUILD" || bb_die "build failed"
  bb_fetch_models
}

# The moderation models (docs/models.md): downloaded with npm at pinned
# versions and converted once; a quick hash check when they are there.
bb_fetch_models() {
  command -v node >/dev/null && command -v npm >/dev/null || bb_install_packages nodejs npm
  node "$BB_ROOT/scripts/fetch-models" --quiet --out "$BB_ROOT/.cache/models" \
    || bb_die "could not fetch the moderation models (scripts/fetch-models)"
}

bb_subst() { # template output
  local user_line=""
  [ "$(id -u)" = 0 ] && user_line="user root root;"
  sed -e "s|@VAR@|$BB_VAR|g" -e "s|@ROOT@|$BB_ROOT|g" -e "s|@PORT@|$BB_PORT|g" \
      -e "s|@USER@|$user_line|g" "$1" > "$2"
}

# Folders and generated service configs; beaubelle.conf only on the first
# run, so an operator's edits survive restarts.
bb_prepare_var() {
  mkdir -p "$BB_VAR"/{run,log,mysql,redis,nginx,media,tmp}
  bb_subst "$BB_ROOT/scripts/lib/my.cnf.in" "$BB_VAR/my.cnf"
  bb_subst "$BB_ROOT/scripts/lib/redis.conf.in" "$BB_VAR/redis.conf"
  bb_subst "$BB_ROOT/scripts/lib/nginx-dev.conf.in" "$BB_VAR/nginx/nginx.conf"
  cp "$BB_ROOT/nginx/beaubelle-locations.conf" "$BB_ROOT/nginx/beaubelle-fastcgi.conf" \
     "$BB_ROOT/nginx/beaubelle-live-check.conf" "$BB_ROOT/nginx/beaubelle-pools.conf" "$BB_VAR/nginx/"
  if [ ! -f "$BB_VAR/mysql-password" ]; then
    ( umask 077; head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' > "$BB_VAR/mysql-password" )
  fi
  if [ ! -f "$BB_VAR/beaubelle.conf" ]; then
    bb_say "writing $BB_VAR/beaubelle.conf"
    ( umask 077; cat > "$BB_VAR/beaubelle.conf" <<CONF
; Configuration of the stack under $BB_VAR, written by scripts/run on the
; first run and kept afterwards. \`beaubelle config\` lists every key.
[server]
base_url = $BB_URL
listen = $BB_VAR/run/beaubelle.sock
templates_dir = $BB_ROOT/templates
locale_dir = $BB_ROOT/locale
migrations_dir = $BB_ROOT/sql
static_dir = $BB_ROOT/static

[mysql]
socket = $BB_VAR/run/mysqld.sock
user = beaubelle
password = $(cat "$BB_VAR/mysql-password")
database = beaubelle

[redis]
socket = $BB_VAR/run/redis.sock

[media]
root = $BB_VAR/media
tmp_dir = $BB_VAR/tmp

[live]
publish_url = http://127.0.0.1:$BB_PORT/_live/publish

[moderation]
models_dir = $BB_ROOT/.cache/models
CONF
    )
  fi
}

bb_pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# Start a daemon in its own session, its output appended to a log.
bb_spawn() { # name pidfile command...
  local name=$1 pidfile=$2; shift 2
  setsid "$@" >>"$BB_VAR/log/$name.log" 2>&1 < /dev/null &
  echo $! > "$pidfile"
  disown $! 2>/dev/null || true
}

bb_wait_for() { # description seconds command...
  local what=$1 secs=$2 i; shift 2
  for ((i = 0; i < secs * 10; i++)); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  bb_die "$what did not come up in ${secs}s (see $BB_VAR/log/)"
}

bb_start_mariadb() {
  bb_pid_alive "$BB_VAR/run/mysqld.pid" && return 0
  if [ ! -d "$BB_VAR/mysql/mysql" ]; then
    bb_say "initialising MariaDB in $BB_VAR/mysql"
    mariadb-install-db --defaults-file="$BB_VAR/my.cnf" --user="$(id -un)" \
      --auth-root-authentication-method=socket --auth-root-socket-user="$(id -un)" \
      --skip-test-db >>"$BB_VAR/log/mariadb-install.log" 2>&1 || bb_die "mariadb-install-db failed"
  fi
  bb_say "starting MariaDB"
  bb_spawn mariadb "$BB_VAR/run/mysqld.pid" mariadbd --defaults-file="$BB_VAR/my.cnf" --user="$(id -un)"
  bb_wait_for MariaDB 60 mariadb-admin --socket="$BB_VAR/run/mysqld.sock" ping
  local pw; pw=$(cat "$BB_VAR/mysql-password")
  mariadb --socket="$BB_VAR/run/mysqld.sock" -u root <<SQL || bb_die "could not create the database"
CREATE DATABASE IF NOT EXISTS beaubelle CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS 'beaubelle'@'localhost' IDENTIFIED BY '$pw';
GRANT ALL PRIVILEGES ON beaubelle.* TO 'beaubelle'@'localhost';
SQL
}

bb_start_redis() {
  bb_pid_alive "$BB_VAR/run/redis.pid" && return 0
  bb_say "starting Redis"
  bb_spawn redis "$BB_VAR/run/redis.pid" redis-server "$BB_VAR/redis.conf"
  bb_wait_for Redis 30 redis-cli -s "$BB_VAR/run/redis.sock" ping
}

bb_start_nginx() {
  bb_pid_alive "$BB_VAR/run/nginx.pid" && return 0
  bb_say "starting nginx on 127.0.0.1:$BB_PORT"
  nginx -t -q -c "$BB_VAR/nginx/nginx.conf" -p "$BB_VAR/nginx/" -e "$BB_VAR/log/nginx-error.log" \
    || bb_die "nginx configuration test failed"
  bb_spawn nginx "$BB_VAR/run/nginx.pid.launcher" \
    nginx -c "$BB_VAR/nginx/nginx.conf" -p "$BB_VAR/nginx/" -e "$BB_VAR/log/nginx-error.log"
  bb_wait_for nginx 15 test -s "$BB_VAR/run/nginx.pid"
}

bb_migrate() {
  bb_say "applying migrations"
  "$BB_BIN" migrate --config "$BB_VAR/beaubelle.conf" || bb_die "migrations failed"
}

bb_start_app() {
  if ! bb_pid_alive "$BB_VAR/run/beaubelle.pid"; then
    bb_say "starting beaubelle serve"
    bb_spawn beaubelle "$BB_VAR/run/beaubelle.pid" "$BB_BIN" serve --config "$BB_VAR/beaubelle.conf"
  fi
  if ! bb_pid_alive "$BB_VAR/run/worker.pid"; then
    bb_say "starting beaubelle worker"
    bb_spawn worker "$BB_VAR/run/worker.pid" "$BB_BIN" worker --config "$BB_VAR/beaubelle.conf"
  fi
}

bb_ready() { curl -fsS -o /dev/null "$BB_URL/readyz"; }

bb_start_all() {
  bb_install_packages "${BB_PACKAGES[@]}"
  bb_build
  bb_prepare_var
  bb_start_mariadb
  bb_start_redis
  bb_migrate
  bb_start_app
  bb_start_nginx
  bb_wait_for "the application (/readyz)" 60 bb_ready
}

bb_stop_pid() { # name pidfile [signal]
  local name=$1 pidfile=$2 sig=${3:-TERM} pid i
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill -"$sig" "$pid" 2>/dev/null
    for ((i = 0; i < 300; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      bb_say "$name did not stop in 30s; killing it"
      kill -KILL "$pid" 2>/dev/null
    fi
  fi
  rm -f "$pidfile"
}

# Stop in dependency order: the front door first, the data last.
bb_stop_all() {
  bb_stop_pid nginx "$BB_VAR/run/nginx.pid" QUIT
  rm -f "$BB_VAR/run/nginx.pid.launcher"
  bb_stop_pid beaubelle "$BB_VAR/run/beaubelle.pid"
  bb_stop_pid worker "$BB_VAR/run/worker.pid"
  bb_stop_pid redis "$BB_VAR/run/redis.pid"
  bb_stop_pid mariadb "$BB_VAR/run/mysqld.pid"
}
