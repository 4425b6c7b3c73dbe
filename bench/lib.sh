# lib.sh - helpers shared by the bench/ scripts (sourced, not run).
#
# Data sets are built once under bench/out/data/ and rebuilt when their
# inputs (the binary, the generator, the shared data) are newer:
#   real_db        the real places of $SHARED/lieux/* imported and deduplicated
#   terr_db        territories only (the template every import starts from)
#   big_csv N      N synthetic places in the national standard (gen_lieux.py)
#   big_db N       those N places imported (and published) into a database
#   points_csv N   N query points (gen_lieux.py points)
# Other helpers: stats (median, min, max of numbers on stdin), ratio, loadavg.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=$ROOT/build/passerelle
LIB=$ROOT/build/libpasserelle.a
OUT=${BENCH_OUT:-$ROOT/bench/out}
DATA=$OUT/data
SHARED=${SHARED_DATA:-$ROOT/../shared/data}
[ -d "$SHARED" ] || SHARED=/work/shared/data
mkdir -p "$DATA"

say() { printf '%s\n' "$*" >&2; }
die() { say "$(basename "$0"): $*"; exit 1; }

need_bin() {
  [ -x "$BIN" ] && [ -f "$LIB" ] || (cd "$ROOT" && make -s) || die "build failed (make)"
  BIN_ID=$(bin_id)
}
# Which binary was measured: short hash and time of build/passerelle. Another
# `make` during a benchmark changes it: bin_check says so in the results.
bin_id() { echo "$(md5sum <"$BIN" | cut -c1-10) $(date -r "$BIN" +%H:%M:%S)"; }
bin_check() {
  local now; now=$(bin_id)
  [ "$now" = "$BIN_ID" ] && echo "binary: build/passerelle $BIN_ID" \
    || echo "WARNING: build/passerelle changed during the benchmark ($BIN_ID -> $now)"
}
# pbin ARGS...: run build/passerelle, waiting while a concurrent `make` relinks it.
pbin() {
  local i rc
  for i in 1 2 3 4 5 6 7 8 9 10; do
    "$BIN" "$@" && return 0
    rc=$?
    [ "$rc" = 126 ] || [ "$rc" = 127 ] || return "$rc"
    sleep 3
  done
  return "$rc"
}

# stale TARGET FILE... : is TARGET missing or older than one of the FILEs?
stale() {
  local t=$1; shift
  [ -e "$t" ] || return 0
  local f
  for f in "$@"; do [ "$f" -nt "$t" ] && return 0; done
  return 1
}

terr_db() {
  local db=$DATA/territoires.db
  if stale "$db" "$BIN" "$SHARED/communes/communes.csv"; then
    say "bench: territoires -> $db"
    rm -f "$db" "$db-wal" "$db-shm"
    (cd "$ROOT" && pbin --db "$db" territoires import \
      --coords "$SHARED/communes/communes.csv") >/dev/null 2>"$DATA/territoires.log" \
      || say "bench: warning: territoires import failed (see $DATA/territoires.log); places will have no commune"
    sqlite3 "$db" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
  fi
  echo "$db"
}

real_db() {
  local db=$DATA/real.db
  if stale "$db" "$BIN" "$SHARED"/lieux/*; then
    local t; t=$(terr_db)
    say "bench: real places of $SHARED/lieux -> $db"
    rm -f "$db" "$db-wal" "$db-shm"
    cp "$t" "$db"
    local f
    for f in "$SHARED"/lieux/*; do
      pbin --db "$db" lieux import "$f" --no-publish 2>"$DATA/real.log" | tail -n 1 >&2
      [ "${PIPESTATUS[0]}" = 0 ] || { rm -f "$db"*; die "import of $f failed (see $DATA/real.log)"; }
    done
    pbin --db "$db" lieux dedup >&2 || { rm -f "$db"*; die "lieux dedup failed"; }
    sqlite3 "$db" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
  fi
  echo "$db"
}

big_csv() {
  local n=$1 f=$DATA/lieux-$1.csv
  if stale "$f" "$ROOT/bench/gen_lieux.py"; then
    say "bench: generating $n synthetic places -> $f"
    python3 "$ROOT/bench/gen_lieux.py" lieux "$n" 42 >"$f.tmp" && mv "$f.tmp" "$f"
  fi
  echo "$f"
}

big_db() {
  local n=$1 db=$DATA/lieux-$1.db csv
  csv=$(big_csv "$n")
  if stale "$db" "$BIN" "$csv"; then
    local t; t=$(terr_db)
    say "bench: importing $n synthetic places -> $db"
    rm -f "$db" "$db-wal" "$db-shm"
    cp "$t" "$db"
    pbin --db "$db" lieux import "$csv" --source bench 2>"$DATA/big.log" | tail -n 1 >&2
    [ "${PIPESTATUS[0]}" = 0 ] || { rm -f "$db"*; die "import of $csv failed (see $DATA/big.log)"; }
    sqlite3 "$db" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
  fi
  echo "$db"
}

points_csv() {
  local n=$1 f=$DATA/points-$1.csv
  if stale "$f" "$ROOT/bench/gen_lieux.py"; then
    python3 "$ROOT/bench/gen_lieux.py" points "$n" 7 >"$f.tmp" && mv "$f.tmp" "$f"
  fi
  echo "$f"
}

# stats: numbers on stdin -> "median min max" (%.4g)
stats() {
  sort -g | awk '{v[NR]=$1} END {
    if (NR == 0) { print "nan nan nan"; exit }
    m = NR % 2 ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2
    printf "%.6g %.6g %.6g\n", m, v[1], v[NR] }'
}
median() { stats | cut -d' ' -f1; }
# ratio A B -> A/B with 3 significant digits
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "nan"; else printf "%.3g\n", a / b }'; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
machine() {
  printf 'nproc=%s cpu="%s" mem=%s date=%s\n' "$(nproc)" \
    "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')" \
    "$(free -g | awk '/^Mem:/ {print $2 "G"}')" "$(date -u +%Y-%m-%dT%H:%MZ)"
}
