#!/usr/bin/env bash
# run.sh - every side-by-side benchmark of bench/, one after the other, then
# a summary table. Not part of the test suite: run by hand (or `make bench`).
#
#   bench/run.sh                 import, knn, http, dedup, charge, diagnostic, indicateurs
#   bench/run.sh knn http        only those
#   bench/run.sh accompagnement  10 million activities (~20 min, 5 GB of disk; not in the default list)
#   bench/run.sh diagnostic_stats  1 million diagnostics, counters vs counting (~8 min, 1 GB; not in the default list)
# Each benchmark writes bench/out/NAME.txt (its table), NAME.tsv (every run)
# and NAME.summary; this script adds bench/out/summary.txt. bench/out/ is
# ignored by git. Needs: make (build/passerelle), scripts/setup.sh --bench
# (wrk, nginx, PostgreSQL 15 + PostGIS 3), python3, sqlite3, perf (optional,
# for PROFILE=1). About 6 minutes on 2 cores (+1.5 with PROFILE=1).
# Environment passed through: N, RUNS (import); RUNS, PGT, SIZES, DIAG (knn);
# ROUNDS, DUR, THREADS (http); DEDUP_N (dedup, default 1000000); PROFILE=1
# adds perf profiles (import, knn, http: bench/out/*-profile.txt, ~+1.5 min).
set -uo pipefail
. "$(dirname "$0")/lib.sh"
need_bin
cd "$ROOT"
which=${*:-import knn http dedup charge diagnostic indicateurs}
status=0
: >"$OUT/run.log"
for b in $which; do
  say "=== bench: $b"
  t0=$(date +%s)
  rm -f "$OUT/$b.summary"
  case $b in
    dedup)
      if bash bench/dedup.sh "${DEDUP_N:-1000000}" | tee "$OUT/dedup.txt"; then
        awk -v n="${DEDUP_N:-1000000}" '
          /^places/ { places = $2 }
          /^recall/ { recall = $2 } /^precision/ { precision = $2 }
          /^seconds/ { for (i = 1; i <= NF; i++) if ($i == "dedup_run") run = $(i + 1)
                       for (i = 1; i <= NF; i++) if ($i == "merge") merge = $(i + 1) }
          END {
            gsub(/,/, "", run); gsub(/,/, "", merge)
            printf "dedup\tdedup_run seconds, %s synthetic places\t%s s\t-\t-\t-\t-\n", places, run
            printf "dedup\tmerge seconds\t%s s\t-\t-\t-\t-\n", merge
            printf "dedup\trecall / precision on injected duplicates\t%s / %s\t-\t-\t-\t-\n", recall, precision
          }' "$OUT/dedup.txt" >"$OUT/dedup.summary"
      else
        status=1; say "bench: dedup FAILED"
      fi
      ;;
    import | knn | http | diagnostic | indicateurs)
      if ! bash "bench/$b.sh"; then status=1; say "bench: $b FAILED"; fi
      ;;
    charge)
      if bash bench/charge.sh; then
        awk '/^Requests\/sec:/ { r = $2 } /^ +99%/ { p = $2 } /^rss_kb highest/ { m = $0; sub(/.*\(/, "", m); sub(/\).*/, "", m) }
             END { printf "charge\t60 s mixed reads + token writes, zero errors\t%s req/s\tp99 %s\t-\t-\tmemory %s\n", r, p, m }' \
          "$OUT/charge.txt" >"$OUT/charge.summary"
      else
        status=1; say "bench: charge FAILED"
      fi
      ;;
    diagnostic_stats)
      if bash bench/diagnostic_stats.sh "${DIAG_N:-1000000}"; then
        awk '/^all [0-9]+ requests/ { printf "diag\tstatistics mix, counters vs counting the sessions (totals)\t%s\t%s\t%s\t-\t%s\n", $5, $8, $11, ($0 ~ /every result equal/) ? "equal" : "NOT EQUAL" }' \
          "$OUT/diagnostic_stats.txt" >"$OUT/diagnostic_stats.summary"
      else
        status=1; say "bench: diagnostic_stats FAILED"
      fi
      ;;
    accompagnement)
      if bash bench/accompagnement.sh "${ACC_N:-10000000}" "${ACC_M:-2000}"; then
        awk '/^stats requests/ { for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } }
             /^record durable/ { for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } }
             END {
               printf "accomp\tstatistics mix, aggregates vs plain SQL (totals)\t%s ms\t%s ms\t%s\t>= 100\t%s\n",
                 v["aggregates_total_ms"], v["plain_sql_total_ms"], v["ratio_of_totals"], v["equal"] == "all" ? "equal" : "NOT EQUAL"
               printf "accomp\tdurable recording, ours vs bare INSERT\t%s\t%s\t-\t-\t-\n", v["passerelle"], v["bare_insert"]
             }' "$OUT/accompagnement.txt" >"$OUT/accompagnement.summary"
      else
        status=1; say "bench: accompagnement FAILED"
      fi
      ;;
    *) say "bench: unknown benchmark $b (import, knn, http, dedup, charge, diagnostic, indicateurs, accompagnement, diagnostic_stats)"; status=1 ;;
  esac
  echo "$b $(($(date +%s) - t0)) s" >>"$OUT/run.log"
done

{
  echo "Passerelle side-by-side benchmarks - $(machine)"
  echo "load average at the end: $(loadavg)"
  printf '%-8s %-52s %-16s %-12s %-8s %-7s %s\n' bench measure ours other ratio target verdict
  for b in $which; do
    [ -f "$OUT/$b.summary" ] || continue
    awk -F'\t' '{ printf "%-8s %-52s %-16s %-12s %-8s %-7s %s\n", $1, $2, $3, $4, $5, $6, $7 }' "$OUT/$b.summary"
  done
  echo "durations: $(tr '\n' ',' <"$OUT/run.log" | sed 's/,$//; s/,/, /g')"
} | tee "$OUT/summary.txt"
exit $status
