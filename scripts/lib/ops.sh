# Shared by scripts/backup and scripts/restore: where the configuration,
# the binary, MariaDB and the media folder are, read from the values in
# effect (`beaubelle config get`, so environment overrides count too).

ops_die() { printf 'error: %s\n' "$*" >&2; exit 1; }
ops_say() { printf '==> %s\n' "$*" >&2; }

# BEAUBELLE_CONFIG, else the development stack's file.
ops_setup() {
  local root=$1
  OPS_CONFIG=${BEAUBELLE_CONFIG:-${BEAUBELLE_VAR:-$root/var}/beaubelle.conf}
  [ -f "$OPS_CONFIG" ] || ops_die "no configuration at $OPS_CONFIG (set BEAUBELLE_CONFIG)"
  OPS_BIN=${BEAUBELLE_BIN:-}
  if [ -z "$OPS_BIN" ]; then
    if [ -x "$root/build/app/beaubelle" ]; then OPS_BIN=$root/build/app/beaubelle
    else OPS_BIN=$(command -v beaubelle) || ops_die "no beaubelle binary (set BEAUBELLE_BIN)"; fi
  fi
  local v
  mapfile -t v < <("$OPS_BIN" config get mysql.host mysql.port mysql.socket mysql.user mysql.password \
                     mysql.database media.root media.backend --config "$OPS_CONFIG") || ops_die "cannot read $OPS_CONFIG"
  OPS_DB=${v[5]}
  OPS_MEDIA=${v[6]}
  OPS_MEDIA_BACKEND=${v[7]}
  # The password goes through the environment, never the command line.
  export MYSQL_PWD=${v[4]}
  OPS_MYSQL_ARGS=(--user="${v[3]}")
  if [ -n "${v[2]}" ]; then OPS_MYSQL_ARGS+=(--socket="${v[2]}")
  else OPS_MYSQL_ARGS+=(--host="${v[0]}" --port="${v[1]}" --protocol=tcp); fi
}

ops_sql() { mariadb "${OPS_MYSQL_ARGS[@]}" -N -B "$OPS_DB" -e "$1"; }

# "table rows" for every base table, sorted.
ops_row_counts() {
  local t
  for t in $(ops_sql "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE' ORDER BY table_name"); do
    printf '%s %s\n' "$t" "$(ops_sql "SELECT COUNT(*) FROM \`$t\`")"
  done
}

# sha256sum lines of every finished media file, relative to the media root.
ops_media_sums() {
  ( cd "$OPS_MEDIA" && find . -type f ! -name '.*' ! -name '*.tmp*' -print0 | sort -z | xargs -0r sha256sum )
}
