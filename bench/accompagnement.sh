#!/usr/bin/env bash
# accompagnement.sh - activity records at scale: N synthetic activities
# (default 10 million) loaded into the embedded database on the real places
# and communes, then, side by side in one run:
#   1. statistics for a mix of scopes and periods from the aggregates
#      against plain SQL over the records (sums and GROUP BY, with an index
#      per scope), each result checked equal;
#   2. recording throughput with durable commits (synchronous=FULL, one
#      transaction per record): the whole recording path against a bare
#      INSERT of the same row.
# Usage: bench/accompagnement.sh [N [M]]   (M records per side, default 2000)
# The loaded database is kept in bench/out/data/activites-N.db and reused
# (rebuilt when the binary or the generator change). Writes
# bench/out/accompagnement.txt. Needs about 4 GB of disk for 10 million.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need_bin
N=${1:-${ACC_N:-10000000}}
M=${2:-${ACC_M:-2000}}
exe=$OUT/accomp_bench
cc -O2 -g -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -I"$ROOT/src" -I"$ROOT/build/gen" \
  -o "$exe" "$ROOT/bench/accomp_bench.c" "$LIB" -lmicrohttpd -ljansson -lsqlite3 -lsodium -lm -lpthread
base=$(real_db)
db=$DATA/activites-$N.db
txt=$OUT/accompagnement.txt
{
  machine
  bin_check
  if stale "$db" "$BIN" "$ROOT/bench/accomp_bench.c" "$base"; then
    rm -f "$db" "$db-wal" "$db-shm"
    cp "$base" "$db"
    /usr/bin/time -f "load process: wall=%es user=%Us sys=%Ss max_rss=%MkB" "$exe" load "$db" "$N"
  else
    echo "load: reusing $db ($(du -h "$db" | cut -f1))"
  fi
  echo "== statistics: aggregates vs plain SQL (best of 30 / best of 3 runs, milliseconds)"
  "$exe" stats "$db"
  echo "== recording, durable commits ($M records each side, alternating blocks of 100)"
  "$exe" record "$db" "$M"
  bin_check
} 2>&1 | tee "$txt"
