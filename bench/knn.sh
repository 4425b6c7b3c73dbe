#!/usr/bin/env bash
# knn.sh - the 10 nearest places: our lieux_search() against PostGIS KNN.
#
# Two data sets: the real places (../shared/data/lieux/*, imported and
# deduplicated, ~7,800 with coordinates) and 100,000 synthetic places
# (bench/gen_lieux.py, imported). PostGIS gets exactly the rows our search
# reads: (id, lat, lon) of the R*Tree table lieu_geo, so ids are comparable.
# The same 10,000 query points (gen_lieux.py points: 90 % around communes,
# 10 % anywhere in the metropolitan bounding box) for both.
#
#   A      bench/knn_bench.c linked with build/libpasserelle.a: lieux_search()
#          in process, limit 10, every place (include_private), one query
#          after the other over the 10,000 points, queries/s; the 10 hits
#          come with their full rows (what the API needs).
#   Aids   the same with ids_only: ids and distances only, like PostGIS below.
#   B      PostGIS 3 on a throwaway PostgreSQL 15 cluster (initdb in a temp
#          dir as user postgres, unix socket there, port 55432, fsync off,
#          jit off, no parallel workers; stopped and deleted at exit):
#          geography(Point,4326) and geometry(Point,4326) columns, each with
#          a GiST index, and
#     B    pgbench -n -c 1 -M prepared -T $PGT with the script
#            \set i random(1, 10000)
#            SELECT id FROM lieux ORDER BY geog <-> (SELECT geog FROM pts
#              WHERE i = :i) LIMIT 10;
#          (a client round trip per query, as an application would see it;
#          the point comes from the 10,000-row table pts by primary key),
#     Bgeom the same on the geometry column (planar degrees: not geodesic),
#     Bsrv  one SQL statement running the 10,000 KNN queries inside the
#          server (LATERAL join over pts): PostGIS without any round trip.
# Diagnostics (see knn_bench.c), the cases listed in DIAG (default
# "Asketch"; "" for none): Asketch (the SQLite R*Tree approach written as
# one statement prepared once, ids only), Atxn (lieux_search() inside one
# read transaction per run), Aapi (the API's defaults: places not open to
# the public left out).
# Correctness: for the first 100 points our 10 ids and distances against
# PostGIS geography <-> (bench/knn_check.py); geometry <-> is reported too.
#
# Usage: bench/knn.sh   (RUNS=5 rounds, PGT=2 seconds per pgbench run,
#                        SIZES="real 100000", DIAG="Asketch"; PROFILE=1
#                        adds a perf profile of lieux_search():
#                        bench/out/knn-profile.txt).
# Output: bench/out/knn.txt, bench/out/knn.tsv, bench/out/knn.summary.
# ~3 min (plus ~30 s the first time, to import the 100,000 places).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
RUNS=${RUNS:-5}
PGT=${PGT:-2}
SIZES=${SIZES:-real 100000}
DIAG=${DIAG-Asketch}
PROFILE=${PROFILE:-0}
PORT=55432
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
[ -x "$PGBIN/initdb" ] || die "PostgreSQL server not found (scripts/setup.sh --bench)"
need_bin
cd "$ROOT"
pts=$(points_csv 10000)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/passerelle-knn.XXXXXX")
chmod 755 "$tmp"
cleanup() {
  if [ -f "$tmp/pg/postmaster.pid" ]; then
    asuser "$PGBIN/pg_ctl" -D "$tmp/pg" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
if [ "$(id -u)" = 0 ]; then
  chown postgres "$tmp"
  asuser() { runuser -u postgres -- "$@"; }
else
  asuser() { "$@"; }
fi

say "knn: building knn_bench"
cc -O2 -std=c11 -D_GNU_SOURCE -Isrc -Ibuild/gen -o "$tmp/knn_bench" "$ROOT/bench/knn_bench.c" \
  "$LIB" -lmicrohttpd -ljansson -lsqlite3 -lm -lpthread

say "knn: starting PostgreSQL on $tmp (port $PORT)"
asuser "$PGBIN/initdb" -D "$tmp/pg" -A trust -U postgres -E UTF8 --locale=C --no-sync >/dev/null
asuser "$PGBIN/pg_ctl" -D "$tmp/pg" -l "$tmp/pg.log" -w -o "-k $tmp -p $PORT \
  -c listen_addresses= -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
  -c shared_buffers=256MB -c jit=off -c max_parallel_workers_per_gather=0" start >/dev/null
export PGOPTIONS="-c client_min_messages=warning"
PSQL=("$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$tmp" -p "$PORT" -U postgres -d postgres)
"${PSQL[@]}" -c "CREATE EXTENSION postgis" >/dev/null
pgv=$("${PSQL[@]}" -Atc "SELECT split_part(version(), ' ', 2) || ', PostGIS ' || postgis_lib_version()")

printf '\\set i random(1, 10000)\nSELECT id FROM lieux ORDER BY geog <-> (SELECT geog FROM pts WHERE i = :i) LIMIT 10;\n' >"$tmp/geog.sql"
printf '\\set i random(1, 10000)\nSELECT id FROM lieux ORDER BY geom <-> (SELECT geom FROM pts WHERE i = :i) LIMIT 10;\n' >"$tmp/geom.sql"
SRV="SELECT count(*) FROM pts p CROSS JOIN LATERAL (SELECT id FROM lieux l ORDER BY l.geog <-> p.geog LIMIT 10) k"

tsv=$OUT/knn.tsv
printf 'size\tround\tcase\tqps\tloadavg\n' >"$tsv"

load_pg() { # DB
  "${PSQL[@]}" -c "DROP TABLE IF EXISTS lieux, pts;
    CREATE TABLE lieux (id bigint PRIMARY KEY, lat float8 NOT NULL, lon float8 NOT NULL,
                        geom geometry(Point, 4326), geog geography(Point, 4326));
    CREATE TABLE pts (i int PRIMARY KEY, lat float8 NOT NULL, lon float8 NOT NULL,
                      geom geometry(Point, 4326), geog geography(Point, 4326));"
  sqlite3 -csv "$1" "SELECT id, lat, lon FROM lieu_geo" \
    | "${PSQL[@]}" -c "\\copy lieux(id, lat, lon) FROM STDIN CSV"
  tail -n +2 "$pts" | "${PSQL[@]}" -c "\\copy pts(i, lat, lon) FROM STDIN CSV"
  "${PSQL[@]}" -c "
    UPDATE lieux SET geom = ST_SetSRID(ST_MakePoint(lon, lat), 4326),
                     geog = ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography;
    UPDATE pts SET geom = ST_SetSRID(ST_MakePoint(lon, lat), 4326),
                   geog = ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography;
    CREATE INDEX lieux_geom ON lieux USING gist (geom);
    CREATE INDEX lieux_geog ON lieux USING gist (geog);" -c "VACUUM ANALYZE lieux" -c "VACUUM ANALYZE pts"
  # The plans must use the GiST index (KNN), or the comparison is void.
  "${PSQL[@]}" -c "EXPLAIN SELECT id FROM lieux ORDER BY geog <-> (SELECT geog FROM pts WHERE i = 1) LIMIT 10" \
    | grep -q "Index Scan using lieux_geog" || die "PostGIS does not use the GiST index (geography)"
  "${PSQL[@]}" -c "EXPLAIN $SRV" | grep -q "Index Scan using lieux_geog" \
    || die "PostGIS does not use the GiST index (LATERAL)"
}

# run_case SIZE ROUND CASE DB -> appends qps
run_case() {
  local size=$1 round=$2 c=$3 db=$4 qps la
  la=$(loadavg)
  case $c in
    A) qps=$("$tmp/knn_bench" "$db" "$pts" | awk '{print $8}') ;;
    Aids) qps=$("$tmp/knn_bench" "$db" "$pts" --ids | awk '{print $8}') ;;
    Aapi) qps=$("$tmp/knn_bench" "$db" "$pts" --api | awk '{print $8}') ;;
    Atxn) qps=$("$tmp/knn_bench" "$db" "$pts" --txn | awk '{print $8}') ;;
    Asketch) qps=$("$tmp/knn_bench" "$db" "$pts" --sketch | awk '{print $8}') ;;
    B | Bgeom)
      local f=geog; [ "$c" = Bgeom ] && f=geom
      qps=$("$PGBIN/pgbench" -n -c 1 -M prepared -T "$PGT" -f "$tmp/$f.sql" \
              -h "$tmp" -p "$PORT" -U postgres postgres 2>&1 \
            | awk '/^tps = / {printf "%.0f", $3}')
      ;;
    Bsrv)
      local ms
      ms=$("${PSQL[@]}" -c '\timing on' -c "$SRV" | awk '/^Time:/ {print $2}')
      qps=$(awk -v ms="$ms" 'BEGIN { printf "%.0f", 10000 / (ms / 1000) }')
      ;;
  esac
  [ -n "$qps" ] || die "$c: no measure"
  printf '%s\t%s\t%s\t%s\t%s\n' "$size" "$round" "$c" "$qps" "$la" >>"$tsv"
  say "knn: $size round $round $c $qps q/s (load $la)"
}

report=$tmp/report
: >"$report"
: >"$OUT/knn.summary"
for size in $SIZES; do
  if [ "$size" = real ]; then db=$(real_db); else db=$(big_db "$size"); fi
  say "knn: loading $size into PostGIS"
  load_pg "$db"
  n=$(sqlite3 "$db" "SELECT count(*) FROM lieu_geo")
  # Correctness on the first 100 points.
  "$tmp/knn_bench" "$db" "$pts" --dump 100 >"$tmp/ours.txt"
  "${PSQL[@]}" -At -F ' ' -c "SELECT p.i, k.id, (k.geog <-> p.geog) / 1000 FROM pts p
    CROSS JOIN LATERAL (SELECT id, geog FROM lieux l ORDER BY l.geog <-> p.geog LIMIT 10) k
    WHERE p.i <= 100" >"$tmp/geog.txt"
  "${PSQL[@]}" -At -F ' ' -c "SELECT p.i, k.id, ST_Distance(k.geog, p.geog, false) / 1000
    FROM pts p CROSS JOIN LATERAL (SELECT id, geog FROM lieux l ORDER BY l.geom <-> p.geom LIMIT 10) k
    WHERE p.i <= 100" >"$tmp/geom.txt"
  check=$(python3 "$ROOT/bench/knn_check.py" "$tmp/ours.txt" "$tmp/geog.txt" "$tmp/geom.txt") \
    || say "knn: WRONG ANSWERS against PostGIS ($size)"
  scans=$("$tmp/knn_bench" "$db" "$pts" --stats)
  cases="A Aids B Bgeom Bsrv $DIAG"
  for r in $(seq 1 "$RUNS"); do
    # Rotate so that no case always follows the same one.
    set -- $cases
    k=$(( (r - 1) % $# ))
    order="${*:k+1} ${*:1:k}"
    for c in $order; do run_case "$size" "$r" "$c" "$db"; done
  done
  q() { awk -F'\t' -v s="$size" -v c="$1" 'NR > 1 && $1 == s && $3 == c { print $4 }' "$tsv" | stats; }
  read -r a amin amax < <(q A)
  read -r ai aimin aimax < <(q Aids)
  read -r b bmin bmax < <(q B)
  read -r bg bgmin bgmax < <(q Bgeom)
  read -r bs bsmin bsmax < <(q Bsrv)
  verdict=$(awk -v x="$a" -v y="$b" 'BEGIN { print (x >= 10 * y ? "met" : "MISSED") }')
  {
    echo "== $size: $n places with coordinates, 10,000 query points, k = 10 (queries/s: median [min-max] of $RUNS)"
    printf '  %-70s %s\n' "A       lieux_search() in process, full rows" "$a [$amin-$amax]"
    printf '  %-70s %s\n' "Aids    lieux_search() in process, ids_only" "$ai [$aimin-$aimax]"
    printf '  %-70s %s\n' "B       PostGIS geography <->, pgbench 1 client, prepared" "$b [$bmin-$bmax]"
    printf '  %-70s %s\n' "Bgeom   PostGIS geometry <-> (degrees), pgbench" "$bg [$bgmin-$bgmax]"
    printf '  %-70s %s\n' "Bsrv    PostGIS geography <->, 10,000 in one statement (no round trip)" "$bs [$bsmin-$bsmax]"
    for c in $DIAG; do
      read -r x xmin xmax < <(q "$c")
      case $c in
        Aapi) label="Aapi    diagnostic: lieux_search() with the API's defaults" ;;
        Atxn) label="Atxn    diagnostic: lieux_search() in one read transaction" ;;
        Asketch) label="Asketch diagnostic: SQLite R*Tree, 1 prepared statement, ids only" ;;
        *) label=$c ;;
      esac
      printf '  %-70s %s\n' "$label" "$x [$xmin-$xmax]"
    done
    echo "  ratio A/B $(ratio "$a" "$b") (target >= 10: $verdict), A/Bgeom $(ratio "$a" "$bg"), A/Bsrv $(ratio "$a" "$bs")"
    echo "  ratio Aids/B $(ratio "$ai" "$b"), Aids/Bsrv $(ratio "$ai" "$bs")"
    echo "  $scans"
    echo "$check" | sed 's/^/  /'
  } >>"$report"
  printf 'knn\tq/s A vs B geography, %s places\t%s\t%s\t%s\t>= 10\t%s\n' "$n" "$a" "$b" "$(ratio "$a" "$b")" "$verdict" >>"$OUT/knn.summary"
  printf 'knn\tq/s Aids (ids only) vs B geography, %s places\t%s\t%s\t%s\t>= 10\t%s\n' "$n" "$ai" "$b" "$(ratio "$ai" "$b")" "$(awk -v x="$ai" -v y="$b" 'BEGIN { print (x >= 10 * y ? "met" : "MISSED") }')" >>"$OUT/knn.summary"
  printf 'knn\tq/s A vs B in-server (no round trip), %s places\t%s\t%s\t%s\t-\t-\n' "$n" "$a" "$bs" "$(ratio "$a" "$bs")" >>"$OUT/knn.summary"
  printf 'knn\tcorrectness vs geography, 100 points, %s places\t%s\t-\t-\t-\t-\n' "$n" \
    "$(echo "$check" | head -n 1 | sed -E 's/.*: ([0-9]+) points, ([0-9]+) identical, ([0-9]+) equal up to ties, ([0-9]+) different.*/\2 same + \3 ties of \1, \4 wrong/')" >>"$OUT/knn.summary"
done
if [ "$PROFILE" = 1 ]; then
  if command -v perf >/dev/null 2>&1; then
    say "knn: profiling lieux_search() (real places)"
    db=$(real_db)
    if perf record -q -F 999 --call-graph dwarf,16384 -o "$tmp/perf.data" \
        "$tmp/knn_bench" "$db" "$pts" >/dev/null 2>"$tmp/perf.log"; then
      { echo "perf profile of knn_bench (lieux_search, real places), $(machine)"
        perf script -i "$tmp/perf.data" -F ip,sym 2>/dev/null | python3 "$ROOT/bench/perf_phases.py" knn 15
      } | tee "$OUT/knn-profile.txt"
    else
      say "knn: perf record failed: $(tail -n 2 "$tmp/perf.log")"
    fi
  else
    say "knn: perf not installed: no profile"
  fi
fi
{
  echo "knn benchmark - $(machine)"
  echo "PostgreSQL $pgv; load average during the runs: $(awk -F'\t' 'NR>1{print $5}' "$tsv" | cut -d' ' -f1 | stats | awk '{print "median " $1 ", min " $2 ", max " $3}')"
  cat "$report"
  bin_check
} | tee "$OUT/knn.txt"
