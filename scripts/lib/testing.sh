# Test helpers for scripts/test. Sourced after stack.sh.

BB_TOOLS=$BB_ROOT/.cache/tools
# Debian packages the fault tests (tests/faults) use besides the stack's:
# faketime runs an app host with its clock ten minutes ahead (F17).
BB_FAULT_PACKAGES=(faketime)
BB_PROMTOOL=$BB_TOOLS/promtool
# The OpenAPI lint (tests/http/openapi.test.js) runs @redocly/cli from
# node_modules, installed by npm ci below; it reports nothing home.
export REDOCLY_TELEMETRY=off
BB_SKIMAGE=$BB_TOOLS/skimage

# promtool comes from Debian's prometheus package, unpacked rather than
# installed: installing it would start a Prometheus server on the machine.
bb_test_tools() {
  mkdir -p "$BB_TOOLS"
  if [ ! -x "$BB_PROMTOOL" ]; then
    bb_say "fetching promtool (Debian package prometheus)"
    ( cd "$BB_TOOLS" && rm -rf pkg ./*.deb && apt-get download prometheus >/dev/null 2>&1 \
        && dpkg-deb -x prometheus_*.deb pkg && cp pkg/usr/bin/promtool . && rm -rf pkg ./*.deb ) \
      || bb_die "could not fetch promtool"
  fi
  # scikit-image's sample photos, for the moderation models' comparison
  # with TensorFlow.js, come from Debian's python3-skimage, unpacked
  # rather than installed: installing it pulls in SciPy, Matplotlib and
  # some forty other packages for a few PNG files.
  if [ ! -f /usr/lib/python3/dist-packages/skimage/data/astronaut.png ] &&
     [ ! -f "$BB_SKIMAGE/usr/lib/python3/dist-packages/skimage/data/astronaut.png" ]; then
    bb_say "fetching scikit-image's sample photos (Debian package python3-skimage)"
    ( rm -rf "$BB_SKIMAGE" && mkdir -p "$BB_SKIMAGE" && cd "$BB_SKIMAGE" \
        && apt-get download python3-skimage >/dev/null 2>&1 \
        && dpkg-deb -x python3-skimage_*.deb . && rm -f ./*.deb ) \
      || bb_die "could not fetch python3-skimage"
  fi
  if [ ! -d "$BB_ROOT/node_modules" ] || [ "$BB_ROOT/package-lock.json" -nt "$BB_ROOT/node_modules/.package-lock.json" ]; then
    bb_say "npm ci"
    ( cd "$BB_ROOT" && npm ci --no-audit --no-fund >/dev/null ) || bb_die "npm ci failed"
  fi
}

# The OpenID Connect provider the login tests use; sets BB_TEST_OIDC_ISSUER.
bb_start_test_oidc() {
  local redirect=$1 portfile=$BB_VAR/run/oidc.port i
  mkdir -p "$BB_VAR/run" "$BB_VAR/log"
  rm -f "$portfile"
  node "$BB_ROOT/tests/oidc/provider.js" --redirect-uri "$redirect" --port-file "$portfile" \
    >>"$BB_VAR/log/oidc-provider.log" 2>&1 &
  echo $! >"$BB_VAR/run/oidc.pid"
  for i in $(seq 100); do [ -s "$portfile" ] && break; sleep 0.1; done
  [ -s "$portfile" ] || bb_die "the test identity provider did not start (see $BB_VAR/log/oidc-provider.log)"
  BB_TEST_OIDC_ISSUER="http://127.0.0.1:$(cat "$portfile")"
}

bb_stop_test_oidc() {
  [ -f "$BB_VAR/run/oidc.pid" ] && kill "$(cat "$BB_VAR/run/oidc.pid")" 2>/dev/null
  rm -f "$BB_VAR/run/oidc.pid"
}

# make check; prints "passed failed" (TAP results of every test program).
bb_run_unit_tests() {
  local log=$BB_BUILD/test-suite.log
  make -C "$BB_BUILD" -j"$(nproc)" check >"$BB_VAR/unit.out" 2>&1
  local rc=$?
  grep -E '^(PASS|FAIL|ERROR|XPASS)' "$BB_VAR/unit.out" | grep -vE '^PASS' >&2
  # The counts from automake's summary: under -j the result lines of two
  # programs can share a line of unit.out, and counting those lost some.
  local p f
  p=$(awk '/^# (PASS|XFAIL|SKIP):/ {n += $3} END {print n + 0}' "$BB_VAR/unit.out")
  f=$(awk '/^# (FAIL|ERROR|XPASS):/ {n += $3} END {print n + 0}' "$BB_VAR/unit.out")
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
    echo "make check failed (see $BB_VAR/unit.out)" >&2
    tail -20 "$BB_VAR/unit.out" >&2
    f=1
  fi
  [ -f "$log" ] && [ "$f" -gt 0 ] && cp "$log" "$BB_VAR/unit-suite.log"
  echo "$p $f"
}

# node:test over a folder, one file at a time (tests restart processes of
# the shared stack). Prints "passed failed".
bb_run_node_tests() {
  local dir=$1 out
  out=$BB_VAR/$(basename "$dir").tap
  if ! ls "$BB_ROOT/$dir"/*.test.js >/dev/null 2>&1; then
    echo "0 0"; return
  fi
  ( cd "$BB_ROOT" && node --test --test-concurrency=1 --test-reporter=tap "$dir"/*.test.js ) >"$out" 2>&1
  grep -E '^\s*not ok' "$out" | grep -v '# SKIP' >&2
  local p f
  p=$(grep -E '^# pass ' "$out" | awk '{print $3}')
  f=$(grep -E '^# fail ' "$out" | awk '{print $3}')
  [ -n "$f" ] || { echo "node test run failed (see $out)" >&2; tail -20 "$out" >&2; f=1; }
  echo "${p:-0} $f"
}
