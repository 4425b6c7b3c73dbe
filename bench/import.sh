#!/usr/bin/env bash
# import.sh - our import against the sqlite3 shell's `.import` of the same rows.
#
# Data: N synthetic places in the national standard (bench/gen_lieux.py: real
# communes and coordinates, valid values, a share of phones, hours, dates,
# coordinates... written the way producers write them). Side by side, in
# alternating order, RUNS rounds of:
#   A   passerelle --db fresh.db lieux import big.csv --source bench
#       (validate, normalise, upsert, report issues, resolve communes, then
#       republish: deduplicate, merge, R*Tree and FTS5 indexes)
#   A'  the same with --no-publish (the rows only)
#   B   sqlite3 fresh2.db -cmd '.mode csv' '.import big.csv lieux'
#       (a new table of TEXT columns, no validation)
# fresh.db is a copy of a database holding only the territories (what a
# real installation imports into; communes are resolved against it);
# fresh2.db is a new empty file. Both live in $TMPDIR (default /tmp).
# Times come from /usr/bin/time: wall (elapsed) and CPU (user + sys).
#
# Usage: bench/import.sh            (N=100000 RUNS=5 PROFILE=0)
#   PROFILE=1 always, PROFILE=auto when A/B > 3: record one more A with
#   `perf record --call-graph dwarf` and write its phases and hot functions
#   to bench/out/import-profile.txt (bench/perf_phases.py; +45 s).
# Output: bench/out/import.txt (table), bench/out/import.tsv (every run),
# bench/out/import.summary (lines for run.sh). ~3 min with N=100000 here
# (A alone needs ~19 s of CPU: 5 x (A + A' + B) is ~170 s).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
N=${N:-100000}
RUNS=${RUNS:-5}
PROFILE=${PROFILE:-0}
need_bin
[ -x /usr/bin/time ] || die "/usr/bin/time is missing (Debian package: time)"
csv=$(big_csv "$N")
terr=$(terr_db)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/passerelle-import.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

tsv=$OUT/import.tsv
printf 'round\tcase\twall_s\tuser_s\tsys_s\tmaxrss_kb\tloadavg\n' >"$tsv"

# run_case ROUND CASE: one timed run, appended to the TSV.
run_case() {
  local round=$1 c=$2 la
  la=$(loadavg)
  case $c in
    B)
      rm -f "$tmp/fresh2.db"*
      /usr/bin/time -f '%e %U %S %M' -o "$tmp/time" \
        sqlite3 "$tmp/fresh2.db" -cmd '.mode csv' ".import $csv lieux"
      local n; n=$(sqlite3 "$tmp/fresh2.db" 'SELECT count(*) FROM lieux')
      [ "$n" = "$N" ] || die "B: $n rows in the table, expected $N"
      ;;
    A | A1)
      rm -f "$tmp/fresh.db"*
      cp "$terr" "$tmp/fresh.db"
      local opt=""
      [ "$c" = A1 ] && opt=--no-publish
      /usr/bin/time -f '%e %U %S %M' -o "$tmp/time" \
        "$BIN" --db "$tmp/fresh.db" lieux import "$csv" --source bench $opt >"$tmp/log" 2>&1 \
        || { cat "$tmp/log" >&2; die "$c: import failed"; }
      grep -q "^imported=$N rejected=0" "$tmp/log" || { tail -n 3 "$tmp/log" >&2; die "$c: not every row imported"; }
      if [ "$c" = A ]; then # keep the last published database (see below)
        rm -f "$tmp/last.db"*
        for f in "$tmp/fresh.db"*; do mv "$f" "$tmp/last.db${f#"$tmp/fresh.db"}"; done
      fi
      ;;
  esac
  read -r wall user sys rss <"$tmp/time"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$c" "$wall" "$user" "$sys" "$rss" "$la" >>"$tsv"
  say "import: round $round $c wall ${wall}s cpu $(awk -v u="$user" -v s="$sys" 'BEGIN{print u+s}')s (load $la)"
}

say "import: $N rows, $(du -m "$csv" | cut -f1) MB, $RUNS rounds"
for r in $(seq 1 "$RUNS"); do
  # Rotate the order so that no case always runs first (cache, load).
  case $((r % 3)) in
    1) order="B A A1" ;;
    2) order="A A1 B" ;;
    0) order="A1 B A" ;;
  esac
  for c in $order; do run_case "$r" "$c"; done
done
# Keep the last published database for knn.sh (same data, saves an import).
if [ -f "$tmp/last.db" ]; then
  sqlite3 "$tmp/last.db" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
  rm -f "$DATA/lieux-$N.db"*
  mv "$tmp/last.db" "$DATA/lieux-$N.db"
  rm -f "$tmp/last.db"*
fi

col() { awk -F'\t' -v c="$1" -v k="$2" 'NR > 1 && $2 == c { print $k }' "$tsv"; }
cpu() { awk -F'\t' -v c="$1" 'NR > 1 && $2 == c { print $4 + $5 }' "$tsv"; }
read -r aw awmin awmax < <(col A 3 | stats)
read -r a1w a1wmin a1wmax < <(col A1 3 | stats)
read -r bw bwmin bwmax < <(col B 3 | stats)
read -r ac acmin acmax < <(cpu A | stats)
read -r a1c a1cmin a1cmax < <(cpu A1 | stats)
read -r bc bcmin bcmax < <(cpu B | stats)
rw=$(ratio "$aw" "$bw"); rc=$(ratio "$ac" "$bc")
r1w=$(ratio "$a1w" "$bw"); r1c=$(ratio "$a1c" "$bc")
rps() { awk -v n="$N" -v s="$1" 'BEGIN { printf "%.0f", n / s }'; }
verdict=$(awk -v r="$rw" 'BEGIN { print (r <= 2 ? "met" : "MISSED") }')
{
  echo "import benchmark - $(machine)"
  echo "$N rows ($(du -m "$csv" | cut -f1) MB CSV), medians of $RUNS runs [min-max], alternating order"
  printf '%-44s %-22s %-22s %s\n' case "wall s" "cpu s (user+sys)" "rows/s (wall)"
  printf '%-44s %-22s %-22s %s\n' "A  passerelle lieux import (full)" "$aw [$awmin-$awmax]" \
    "$ac [$acmin-$acmax]" "$(rps "$aw")"
  printf '%-44s %-22s %-22s %s\n' "A' passerelle lieux import --no-publish" "$a1w [$a1wmin-$a1wmax]" \
    "$a1c [$a1cmin-$a1cmax]" "$(rps "$a1w")"
  printf '%-44s %-22s %-22s %s\n' "B  sqlite3 .import (no validation)" "$bw [$bwmin-$bwmax]" \
    "$bc [$bcmin-$bcmax]" "$(rps "$bw")"
  echo "ratio A/B  wall $rw  cpu $rc   (target <= 2: $verdict)"
  echo "ratio A'/B wall $r1w  cpu $r1c"
  echo "publish share of A (A - A')/A: wall $(awk -v a="$aw" -v b="$a1w" 'BEGIN{printf "%.0f%%", 100*(a-b)/a}')"
  echo "load average during the runs: $(awk -F'\t' 'NR>1{print $7}' "$tsv" | cut -d' ' -f1 | stats | awk '{print "median " $1 ", min " $2 ", max " $3}')"
  bin_check
} | tee "$OUT/import.txt"
{
  printf 'import\tA/B time, %s rows (wall)\t%s s\t%s s\t%s\t<= 2\t%s\n' "$N" "$aw" "$bw" "$rw" "$verdict"
  printf "import\tA'/B time, --no-publish (wall)\t%s s\t%s s\t%s\t-\t-\n" "$a1w" "$bw" "$r1w"
  printf 'import\tA/B time (cpu user+sys)\t%s s\t%s s\t%s\t-\t-\n' "$ac" "$bc" "$rc"
  printf 'import\trows/s A vs B (wall)\t%s\t%s\t%s\t-\t-\n' "$(rps "$aw")" "$(rps "$bw")" \
    "$(ratio "$(rps "$aw")" "$(rps "$bw")")"
} >"$OUT/import.summary"

if [ "$PROFILE" = 1 ] || { [ "$PROFILE" = auto ] && awk -v r="$rw" 'BEGIN{exit !(r > 3)}'; }; then
  if command -v perf >/dev/null 2>&1; then
    say "import: A/B = $rw: profiling A with perf"
    rm -f "$tmp/fresh.db"*
    cp "$terr" "$tmp/fresh.db"
    if perf record -q -F 200 --call-graph dwarf,32768 -o "$tmp/perf.data" \
        "$BIN" --db "$tmp/fresh.db" lieux import "$csv" --source bench >/dev/null 2>"$tmp/perf.log"; then
      { echo "perf profile of A ($N rows), $(machine)"
        perf script -i "$tmp/perf.data" -F ip,sym 2>/dev/null | python3 "$ROOT/bench/perf_phases.py" import 20
      } | tee "$OUT/import-profile.txt"
    else
      say "import: perf record failed: $(tail -n 2 "$tmp/perf.log")"
    fi
  else
    say "import: perf not installed: no profile"
  fi
fi
