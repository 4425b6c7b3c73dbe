#!/usr/bin/env bash
# charge.sh - the load test: 60 s of mixed reads and authenticated writes
# (bench/charge.lua: 80 % nearest-places API, 10 % place pages, 10 % PUT of
# places by a producer's token) against `passerelle serve` on the real
# data, with wrk on loopback (-t2 -c32). Checks: zero socket errors, zero
# unexpected statuses (anything but 2xx, and the API's intended 404/409),
# the server still up, and its memory (VmRSS) sampled every 5 s: no growth
# after the warm-up. The rate limit is off (--rate 0: every request comes
# from 127.0.0.1); everything else is the production configuration.
#
# Usage: bench/charge.sh   (DUR=60 THREADS=4 CONNS=32)
# Output: bench/out/charge.txt. About 1.5 min.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
DUR=${DUR:-60}
THREADS=${THREADS:-4}
CONNS=${CONNS:-32}
PORT=${PORT:-18090}
need_bin
cd "$ROOT"
command -v wrk >/dev/null || die "wrk not installed (scripts/setup.sh --bench)"
src=$(real_db)
pts=$(points_csv 10000)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/passerelle-charge.XXXXXX")
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
db=$tmp/charge.db
cp "$src" "$db"
"$BIN" --db "$db" comptes inviter charge@example.fr --role producteur:source:charge --profil machine >/dev/null
token=$("$BIN" --db "$db" comptes jeton creer --source charge --compte charge@example.fr 2>/dev/null)
maxpid=$(sqlite3 "$db" "SELECT max(pid) FROM lieu")
"$BIN" --db "$db" serve --port "$PORT" --threads "$THREADS" --rate 0 2>"$tmp/serve.log" &
pid=$!
for i in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$PORT/sante" && break; sleep 0.1; done
# VmRSS counts the database file's pages mapped by SQLite (mmap_size) and
# the shared WAL index, which come and go with the kernel's page cache;
# RssAnon is the process's own heap and stacks, where a leak would show.
rss() { awk '/^VmRSS/ {r = $2} /^RssAnon/ {a = $2} END {print r, "anon_kb", a}' "/proc/$pid/status"; }
out=$OUT/charge.txt
{
  echo "load test: ${DUR}s, wrk -t2 -c$CONNS, server --threads $THREADS, $(machine)"
  echo "rss_kb at start: $(rss)"
} >"$out"
( for s in $(seq 5 5 "$DUR"); do sleep 5; echo "rss_kb t=${s}s: $(rss)"; done ) >>"$out" &
sampler=$!
wrk -t2 -c"$CONNS" -d"${DUR}s" --latency -s bench/charge.lua "http://127.0.0.1:$PORT" -- "$token" "$pts" "$maxpid" \
  >"$tmp/wrk.txt"
wait "$sampler" || true
cat "$tmp/wrk.txt" >>"$out"
alive=no
curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/sante" | grep -q 200 && alive=yes
writes=$(sqlite3 "$db" "SELECT count(*) FROM lieu_source WHERE source_name = 'charge'")
publications=$(grep -c '^publication' "$tmp/serve.log" || true)
{
  echo "server alive after the run: $alive"
  echo "places written by the API: $writes; background publications: $publications"
  echo "server log lines other than publications: $(grep -vc '^publication\|^Passerelle' "$tmp/serve.log" || true)"
} >>"$out"
# memory: the highest RSS (and anonymous RSS) of the first half against the second half
awk -v dur="$DUR" '/^rss_kb t=/ { split($2, a, "="); t = a[2] + 0; v = $3 + 0; w = $5 + 0
  if (t <= dur / 2) { if (v > h1) h1 = v; if (w > g1) g1 = w } else { if (v > h2) h2 = v; if (w > g2) g2 = w } }
  END { printf "rss_kb highest first half %d, second half %d (%+.1f %%)\n", h1, h2, h1 ? 100 * (h2 - h1) / h1 : 0
        printf "anon_kb highest first half %d, second half %d (%+.1f %%)\n", g1, g2, g1 ? 100 * (g2 - g1) / g1 : 0 }' \
  "$out" >>"$out"
cat "$out"
sock=$(awk '/Socket errors:/ { gsub(/,/, ""); print $4 + $6 + $8 + $10 }' "$tmp/wrk.txt")
bad=$(awk '/^statuses:/ { split($0, a, /[= ]/); print a[7] + a[9] }' "$tmp/wrk.txt")
[ "${sock:-0}" = 0 ] && [ "${bad:-1}" = 0 ] && [ "$alive" = yes ] || die "errors during the load test"
say "charge: zero errors"
