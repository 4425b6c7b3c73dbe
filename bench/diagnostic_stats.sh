#!/usr/bin/env bash
# diagnostic_stats.sh - the diagnostic statistics at scale: N synthetic
# finished diagnostics (default 1 million) on the real communes, then a mix
# of statistics requests answered from the counters of diag_agregats.h
# against counting the sessions with their indexes, side by side in one
# run, every result checked equal.
# Usage: bench/diagnostic_stats.sh [N]
# The loaded database is kept in bench/out/data/diagnostics-N.db and reused
# (rebuilt when the binary or the generator change). Writes
# bench/out/diagnostic_stats.txt.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need_bin
N=${1:-${DIAG_N:-1000000}}
exe=$OUT/diag_stats_bench
cc -O2 -g -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -I"$ROOT/src" -I"$ROOT/build/gen" \
  -o "$exe" "$ROOT/bench/diag_stats_bench.c" "$LIB" -lmicrohttpd -ljansson -lsqlite3 -lsodium -lm -lpthread
base=$(terr_db)
db=$DATA/diagnostics-$N.db
txt=$OUT/diagnostic_stats.txt
{
  machine
  bin_check
  if stale "$db" "$BIN" "$ROOT/bench/diag_stats_bench.c" "$base"; then
    rm -f "$db" "$db-wal" "$db-shm"
    cp "$base" "$db"
    /usr/bin/time -f "load process: wall=%es user=%Us sys=%Ss max_rss=%MkB" "$exe" load "$db" "$N"
  else
    echo "load: reusing $db ($(du -h "$db" | cut -f1))"
  fi
  echo "== statistics: counters vs counting the sessions (best of 30 / best of 3 runs)"
  "$exe" stats "$db"
  bin_check
} 2>&1 | tee "$txt"
