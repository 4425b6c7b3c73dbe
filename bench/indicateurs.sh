#!/usr/bin/env bash
# indicateurs.sh - the territorial diagnostic's heavy computations against
# real alternatives, side by side on the same data, taking turns:
#
#   Adist   the distance from every commune's point (34,869 with one) to the
#           nearest place, by the recomputation's own code
#           (bench/indic_bench.c -> indic_distances(): grid index within 60 km,
#           else every place), in process, including reading the database;
#   Bdist   the same query in PostgreSQL 15 + PostGIS 3 on a throwaway
#           cluster (as bench/knn.sh: initdb in a temp dir, unix socket only,
#           port 55433, fsync off, jit off, no parallel workers):
#             SELECT count(*) FROM communes c CROSS JOIN LATERAL
#               (SELECT id FROM lieux l ORDER BY l.geog <-> c.geog LIMIT 1) k
#           one statement inside the server (GiST KNN, geography: sphere
#           distance), i.e. PostGIS's best case, no round trip;
#   for two categories: every place (7,735 with coordinates) and Aidants
#   Connect (289, sparse: most communes fall back to measuring every place);
#   Aifn    the IFN aggregated to every territory (36,236 with a value) by
#           the recomputation's own code (indic_ifn_agreger()), in process;
#   Bifn    the same aggregation as one SQLite statement over the same file
#           (bench/ifn_agregat.sql, run by the sqlite3 shell).
# Correctness: every commune's nearest place and distance compared with
# PostGIS (1 mm + 1e-8 of the distance; a different id only at equal
# distance), every aggregate
# compared with the SQL (max gap). Also one full `indicateurs recalculer`.
#
# Usage: bench/indicateurs.sh   (RUNS=5 rounds). Output: bench/out/indicateurs.txt,
# .tsv, .summary. About 2 minutes.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
RUNS=${RUNS:-5}
PORT=55433
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
[ -x "$PGBIN/initdb" ] || die "PostgreSQL server not found (scripts/setup.sh --bench)"
need_bin
cd "$ROOT"
IFN=$SHARED/ifn/ifn-communes.csv
[ -f "$IFN" ] || die "$IFN missing"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/passerelle-indic.XXXXXX")
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

say "indicateurs: building indic_bench"
cc -O2 -std=c11 -D_GNU_SOURCE -Isrc -Ibuild/gen -o "$tmp/indic_bench" bench/indic_bench.c "$LIB" \
  -lmicrohttpd -ljansson -lsqlite3 -lsodium -lm -lpthread

db=$DATA/indicateurs.db
src=$(real_db)
if stale "$db" "$src" "$IFN" "$BIN"; then
  say "indicateurs: real places + IFN -> $db"
  rm -f "$db" "$db-wal" "$db-shm"
  cp "$src" "$db"
  pbin --db "$db" ifn import "$IFN" --populations "$SHARED/communes/communes.csv" --sans-recalcul \
    >/dev/null 2>"$DATA/indicateurs-ifn.log" || die "ifn import failed (see $DATA/indicateurs-ifn.log)"
  sqlite3 "$db" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
fi
recalc=$(cp "$db" "$tmp/r.db" && pbin --db "$tmp/r.db" indicateurs recalculer --contours 2>&1 | tail -n 1)
say "indicateurs: $recalc"

say "indicateurs: starting PostgreSQL on $tmp (port $PORT)"
asuser "$PGBIN/initdb" -D "$tmp/pg" -A trust -U postgres -E UTF8 --locale=C --no-sync >/dev/null
asuser "$PGBIN/pg_ctl" -D "$tmp/pg" -l "$tmp/pg.log" -w -o "-k $tmp -p $PORT \
  -c listen_addresses= -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
  -c shared_buffers=256MB -c jit=off -c max_parallel_workers_per_gather=0" start >/dev/null
export PGOPTIONS="-c client_min_messages=warning"
PSQL=("$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$tmp" -p "$PORT" -U postgres -d postgres)
"${PSQL[@]}" -c "CREATE EXTENSION postgis" >/dev/null
pgv=$("${PSQL[@]}" -Atc "SELECT split_part(version(), ' ', 2) || ', PostGIS ' || postgis_lib_version()")
"${PSQL[@]}" -c "CREATE TABLE communes (code text PRIMARY KEY, lat float8, lon float8, geog geography(Point, 4326));
  CREATE TABLE lieux (id bigint, cat text, lat float8, lon float8, geog geography(Point, 4326));"
sqlite3 -csv "$db" "SELECT code, lat, lon FROM commune WHERE lat IS NOT NULL" \
  | "${PSQL[@]}" -c "\\copy communes(code, lat, lon) FROM STDIN CSV"
sqlite3 -csv "$db" "SELECT pid, 'tous', lat, lon FROM lieu WHERE prive = 0 AND lat IS NOT NULL
  UNION ALL SELECT pid, 'aidants-connect', lat, lon FROM lieu WHERE prive = 0 AND lat IS NOT NULL
  AND '|' || dispositif_programmes_nationaux || '|' LIKE '%|Aidants Connect|%'" \
  | "${PSQL[@]}" -c "\\copy lieux(id, cat, lat, lon) FROM STDIN CSV"
"${PSQL[@]}" -c "
  UPDATE communes SET geog = ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography;
  UPDATE lieux SET geog = ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography;
  CREATE TABLE lieux_tous AS SELECT id, geog FROM lieux WHERE cat = 'tous';
  CREATE TABLE lieux_aidants AS SELECT id, geog FROM lieux WHERE cat = 'aidants-connect';
  CREATE INDEX ON lieux_tous USING gist (geog); CREATE INDEX ON lieux_aidants USING gist (geog);" \
  -c "VACUUM ANALYZE communes" -c "VACUUM ANALYZE lieux_tous" -c "VACUUM ANALYZE lieux_aidants"
nc=$("${PSQL[@]}" -Atc "SELECT count(*) FROM communes")
nl=$("${PSQL[@]}" -Atc "SELECT count(*) FROM lieux_tous")
na=$("${PSQL[@]}" -Atc "SELECT count(*) FROM lieux_aidants")
knn() { echo "SELECT count(*) FROM communes c CROSS JOIN LATERAL (SELECT id FROM $1 l ORDER BY l.geog <-> c.geog LIMIT 1) k"; }
"${PSQL[@]}" -c "EXPLAIN $(knn lieux_tous)" | grep -q "Index Scan using" || die "PostGIS does not use the GiST index"

# Correctness: every commune, both categories.
check_dist() { # CAT TABLE
  "$tmp/indic_bench" "$db" distances "$1" --dump "$tmp/ours-$1.txt" >/dev/null
  "${PSQL[@]}" -At -F ' ' -c "SELECT c.code, k.id, k.d / 1000 FROM communes c CROSS JOIN LATERAL
    (SELECT id, l.geog <-> c.geog AS d FROM $2 l ORDER BY l.geog <-> c.geog LIMIT 1) k" >"$tmp/pg-$1.txt"
  python3 - "$tmp/ours-$1.txt" "$tmp/pg-$1.txt" <<'EOF'
import sys
ours = {c: (int(i), float(k)) for c, i, k in (l.split() for l in open(sys.argv[1]))}
pg = {c: (int(i), float(k)) for c, i, k in (l.split() for l in open(sys.argv[2]))}
same = tie = wrong = 0
gap = 0.0
for c, (i, k) in pg.items():
    o = ours.get(c)
    if not o:
        wrong += 1
        continue
    # PostGIS's sphere has a radius 0.03 m shorter than ours (6,371,008.77
    # against 6,371,008.8 m): 28 mm over the 6,300 km from the Antilles to
    # the nearest mainland place. Tolerance: 1 mm plus 1e-8 of the distance.
    tol = 1e-6 + 1e-8 * k
    gap = max(gap, abs(o[1] - k))
    if abs(o[1] - k) > tol:
        wrong += 1
    elif o[0] == i:
        same += 1
    else:
        tie += 1
print("%d communes: %d same place, %d other place at the same distance, %d wrong; largest distance gap %.2f mm"
      % (len(pg), same, tie, wrong, gap * 1e6))
sys.exit(1 if wrong else 0)
EOF
}
check_tous=$(check_dist tous lieux_tous) || say "indicateurs: WRONG distances (tous)"
check_aid=$(check_dist aidants-connect lieux_aidants) || say "indicateurs: WRONG distances (aidants-connect)"
"$tmp/indic_bench" "$db" ifn publie --dump "$tmp/ifn-ours.txt" >/dev/null
sqlite3 -readonly "$db" <bench/ifn_agregat.sql >"$tmp/ifn-sql.txt"
check_ifn=$(python3 - "$tmp/ifn-ours.txt" "$tmp/ifn-sql.txt" <<'EOF'
import sys
def load(p):
    return {tuple(f[:2]): [float(x) if x else None for x in f[2:]] for f in (l.rstrip("\n").split("|") for l in open(p))}
a, b = load(sys.argv[1]), load(sys.argv[2])
gap, missing = 0.0, len(set(a) ^ set(b))
for k in set(a) & set(b):
    for x, y in zip(a[k], b[k]):
        if (x is None) != (y is None):
            missing += 1
        elif x is not None:
            gap = max(gap, abs(x - y))
print("%d territories: %d differ in presence, largest gap %.2g" % (len(a), missing, gap))
sys.exit(1 if missing or gap > 1e-9 else 0)
EOF
) || say "indicateurs: WRONG IFN aggregates"

tsv=$OUT/indicateurs.tsv
printf 'round\tcase\tseconds\tloadavg\n' >"$tsv"
run_case() { # ROUND CASE
  local s la
  la=$(loadavg)
  case $2 in
    Adist) s=$("$tmp/indic_bench" "$db" distances tous | sed -E 's/.*seconds=//') ;;
    Adist_ac) s=$("$tmp/indic_bench" "$db" distances aidants-connect | sed -E 's/.*seconds=//') ;;
    Aifn) s=$("$tmp/indic_bench" "$db" ifn publie | sed -E 's/.*seconds=//') ;;
    Bdist | Bdist_ac)
      local t=lieux_tous; [ "$2" = Bdist_ac ] && t=lieux_aidants
      s=$("${PSQL[@]}" -c '\timing on' -c "$(knn $t)" | awk '/^Time:/ {printf "%.6f", $2 / 1000}')
      ;;
    Bifn)
      local t0 t1
      t0=$(date +%s.%N)
      sqlite3 -readonly "$db" <bench/ifn_agregat.sql >/dev/null
      t1=$(date +%s.%N)
      s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }')
      ;;
  esac
  [ -n "$s" ] || die "$2: no measure"
  printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$s" "$la" >>"$tsv"
  say "indicateurs: round $1 $2 $s s (load $la)"
}
cases="Adist Bdist Adist_ac Bdist_ac Aifn Bifn"
for r in $(seq 1 "$RUNS"); do
  set -- $cases
  k=$(( (r - 1) % $# ))
  for c in ${*:k+1} ${*:1:k}; do run_case "$r" "$c"; done
done
q() { awk -F'\t' -v c="$1" 'NR > 1 && $2 == c { print $3 }' "$tsv" | stats; }
read -r a amin amax < <(q Adist)
read -r b bmin bmax < <(q Bdist)
read -r ac acmin acmax < <(q Adist_ac)
read -r bc bcmin bcmax < <(q Bdist_ac)
read -r ai aimin aimax < <(q Aifn)
read -r bi bimin bimax < <(q Bifn)
{
  echo "indicateurs benchmark - $(machine)"
  echo "PostgreSQL $pgv; $nc communes with a point, $nl places ($na Aidants Connect); load average: $(awk -F'\t' 'NR>1{print $4}' "$tsv" | cut -d' ' -f1 | stats | awk '{print "median " $1 ", min " $2 ", max " $3}')"
  echo "seconds: median [min-max] of $RUNS rounds (lower is better)"
  printf '  %-72s %s\n' "Adist    nearest place for every commune, ours (grid + fallback), all places" "$a [$amin-$amax]"
  printf '  %-72s %s\n' "Bdist    same in PostGIS, one LATERAL KNN statement in the server" "$b [$bmin-$bmax]"
  printf '  %-72s %s\n' "Adist_ac nearest Aidants Connect place for every commune, ours" "$ac [$acmin-$acmax]"
  printf '  %-72s %s\n' "Bdist_ac same in PostGIS" "$bc [$bcmin-$bcmax]"
  printf '  %-72s %s\n' "Aifn     IFN aggregated to every territory, ours" "$ai [$aimin-$aimax]"
  printf '  %-72s %s\n' "Bifn     same as one SQLite statement (sqlite3 shell)" "$bi [$bimin-$bimax]"
  echo "  ratio Bdist/Adist $(ratio "$b" "$a") (ours faster when > 1), Bdist_ac/Adist_ac $(ratio "$bc" "$ac"), Bifn/Aifn $(ratio "$bi" "$ai")"
  echo "  correctness, all places: $check_tous"
  echo "  correctness, Aidants Connect: $check_aid"
  echo "  correctness, IFN: $check_ifn"
  echo "  full recomputation: $recalc"
  bin_check
} | tee "$OUT/indicateurs.txt"
{
  printf 'indic\tnearest place, every commune: s ours vs PostGIS\t%s s\t%s s\t%s\t-\t-\n' "$a" "$b" "$(ratio "$b" "$a")"
  printf 'indic\tnearest Aidants Connect, every commune\t%s s\t%s s\t%s\t-\t-\n' "$ac" "$bc" "$(ratio "$bc" "$ac")"
  printf 'indic\tIFN aggregation, every territory: vs SQLite SQL\t%s s\t%s s\t%s\t-\t-\n' "$ai" "$bi" "$(ratio "$bi" "$ai")"
} >"$OUT/indicateurs.summary"
