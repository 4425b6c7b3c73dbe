#!/usr/bin/env bash
# diagnostic.sh - a whole diagnostic over HTTP under load, next to the
# lieux search endpoint, on the same server and the same real data.
#
#   search     GET /api/v1/lieux?lat=45.76&lon=4.83&limite=10 (as http.sh)
#   session    whole self-diagnostics without JavaScript, each connection
#              in turn: start (POST + CSRF), ~18 x (GET question page, POST
#              answer), the commune step, GET the result page with its
#              nearby places (bench/diagnostic_session.lua); every answer is
#              a write transaction
#   sync       PUT /api/v1/diagnostic/sessions/{key}: a complete offline
#              submission, each request a new key (create + 18 answers + the
#              finish and orientation-free scoring)
# Each: wrk -t$CONN -c$CONN -d${DUR}s --latency (one connection per wrk
# thread: the session script is a state machine per thread), alternating,
# $ROUNDS rounds. Server: passerelle serve --threads $THREADS --rate 0 on
# 127.0.0.1. Loopback only; every loop is bounded by wrk -d.
#
# Usage: bench/diagnostic.sh   (ROUNDS=2 DUR=10 CONN=8 THREADS=2); by hand or bench/run.sh
# Output: bench/out/diagnostic.txt, .tsv, .summary. ~1.5 min.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
ROUNDS=${ROUNDS:-2}
DUR=${DUR:-10}
CONN=${CONN:-8}
THREADS=${THREADS:-2}
P_OURS=${P_OURS:-18090}
need_bin
cd "$ROOT"
command -v wrk >/dev/null || die "wrk not installed (scripts/setup.sh --bench)"
command -v curl >/dev/null || die "curl not installed"
src=$(real_db)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/passerelle-diag.XXXXXX")
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
db=$tmp/bench.db
cp "$src" "$db"
while ss -Hltn "sport = :$P_OURS" 2>/dev/null | grep -q .; do P_OURS=$((P_OURS + 1)); done
"$BIN" --db "$db" serve --host 127.0.0.1 --port "$P_OURS" --threads "$THREADS" --rate 0 2>"$tmp/serve.log" &
pid=$!
for i in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$P_OURS/sante" && break; sleep 0.1; done
base="http://127.0.0.1:$P_OURS"

# a visitor cookie and its CSRF token (the token is bound to the cookie)
cookie="pl_visiteur=bench-visiteur-0123456789abcdef"
token=$(curl -s -H "Cookie: $cookie" "$base/diagnostic" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
[ -n "$token" ] || die "no CSRF token on /diagnostic"
python3 - "$ROOT/data/diagnostic/questions-v1.json" >"$tmp/bank.tsv" <<'PY'
import json, sys
for q in json.load(open(sys.argv[1]))["questions"]:
    if q["type"] == "profil":
        print("%s\tprofil\t0\t%s" % (q["id"], q["options"][0]["id"]))
    else:
        print("%s\tcompetence\t%d\t%s" % (q["id"], q["niveau"], next(o["id"] for o in q["options"] if o.get("bonne"))))
PY
# a complete offline submission (level 1), replayed with a new key each time
python3 - "$base" "$cookie" "$token" >"$tmp/sync.lua" <<'PY'
import json, re, sys, urllib.request
base, cookie, token = sys.argv[1:4]
paquet = json.load(urllib.request.urlopen(urllib.request.Request(base + "/api/v1/diagnostic/paquet/fr", headers={"Cookie": cookie})))
Q = paquet["questions"]
def walk(A):  # the engine, as diagnostic.js (tests check they agree)
    n = len(A); i = 0; nxt = -1
    state = {"i": 0, "next": -1}
    def propose(q):
        if state["i"] >= n: state["next"] = q; return None
        a = A[state["i"]]; state["i"] += 1; return a
    for k, q in enumerate(Q):
        if q["type"] == "profil" and q["avant"] and propose(k) is None: return state["next"]
    dep = 0
    for a in A[:state["i"]]:
        for j, o in enumerate(Q[a[0]]["options"]):
            if a[1] >> j & 1 and o.get("depart", 0) > dep: dep = o["depart"]
    napres = sum(1 for q in Q if q["type"] == "profil" and not q["avant"])
    nd = len(paquet["domaines"]); levels = []
    for d in range(nd):
        expect = dep or 1
        if levels:
            expect = max(1, min(3, (2 * sum(levels) + len(levels)) // (2 * len(levels))))
        lo, hi, used = 0, 3, []
        while lo < hi:
            lv = lo + 1 if expect <= lo else hi if expect > hi else expect
            q = next((k for k, x in enumerate(Q) if x["type"] == "competence" and x["domaine"] == d and x["niveau"] == lv and k not in used), -1)
            if q < 0: break
            if used and paquet["questions_max"] - state["i"] - napres - 1 < nd - d - 1: break
            a = propose(q)
            if a is None: return state["next"]
            used.append(q)
            if a[1] == 1 << Q[q]["bonne"]: lo = lv
            else: hi = lv - 1
        levels.append(lo)
    for k, q in enumerate(Q):
        if q["type"] == "profil" and not q["avant"] and propose(k) is None: return state["next"]
    return -1
A = []
while True:
    k = walk(A)
    if k < 0: break
    q = Q[k]
    A.append((k, 1 if q["type"] == "profil" else (1 << q["bonne"] if q["niveau"] <= 1 else 0)))
reps = [{"question": Q[k]["id"], "options": [o["id"] for j, o in enumerate(Q[k]["options"]) if m >> j & 1]} for k, m in A]
body = json.dumps({"version": paquet["version"], "langue": "fr", "revision": 1, "termine": True, "commune": "Marseille", "reponses": reps})
print('local n = 0\nlocal body = %s\n' % json.dumps(body))
print('function init(args)\n  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16))\nend')
print('function request()\n  n = n + 1\n  return wrk.format("PUT", string.format("/api/v1/diagnostic/sessions/bench-%%s-%%08d-abcdefghijkl", tostring(math.random(1e9)), n),\n    {["Content-Type"] = "application/json", ["X-CSRF-Token"] = %s, ["Cookie"] = %s}, body)\nend' % (json.dumps(token), json.dumps(cookie)))
PY

tsv=$OUT/diagnostic.tsv
printf 'round\tcase\treq_s\tp50_ms\tp99_ms\terrors\trequests\tsessions\tloadavg\n' >"$tsv"
ms() { awk -v v="$1" 'BEGIN { n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
  if (u == "us") n /= 1000; else if (u == "s") n *= 1000; printf "%.3f", n }'; }
run_case() { # ROUND CASE
  local r=$1 c=$2 out=$tmp/wrk.$2.$1 la
  la=$(loadavg)
  case $c in
    search) wrk -t"$CONN" -c"$CONN" -d"${DUR}s" --latency "$base/api/v1/lieux?lat=45.76&lon=4.83&limite=10" >"$out" ;;
    session) wrk -t"$CONN" -c"$CONN" -d"${DUR}s" --latency -s bench/diagnostic_session.lua "$base" -- "$cookie" "$token" "$tmp/bank.tsv" 1 >"$out" ;;
    sync) wrk -t"$CONN" -c"$CONN" -d"${DUR}s" --latency -s "$tmp/sync.lua" "$base" >"$out" ;;
  esac
  local rps p50 p99 reqs err sess
  rps=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$out")
  p50=$(ms "$(awk '$1 == "50%" {print $2}' "$out")")
  p99=$(ms "$(awk '$1 == "99%" {print $2}' "$out")")
  reqs=$(awk '/requests in/ {print $1}' "$out")
  err=$(awk '/Socket errors:/ { gsub(/,/, ""); s += $4 + $6 + $8 + $10 }
             /Non-2xx or 3xx responses:/ { s += $5 } /failures=/ { split($2, a, "="); s += a[2] } END { print s + 0 }' "$out")
  sess=$(sed -n 's/^sessions=\([0-9]*\).*/\1/p' "$out")
  [ "$c" = sync ] && sess=$reqs
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$c" "$rps" "$p50" "$p99" "$err" "$reqs" "${sess:--}" "$la" >>"$tsv"
  say "diagnostic: round $r $c $rps req/s p99 $p99 ms errors $err sessions ${sess:--} (load $la)"
}
for r in $(seq 1 "$ROUNDS"); do
  if [ $((r % 2)) = 1 ]; then order="search session sync"; else order="sync session search"; fi
  for c in $order; do run_case "$r" "$c"; done
done
finished=$(sqlite3 "$db" "SELECT count(*) FROM diagnostic_session WHERE termine_at IS NOT NULL")
answers=$(sqlite3 "$db" "SELECT count(*) FROM diagnostic_reponse")
rss=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo "?")
col() { awk -F'\t' -v c="$1" -v k="$2" 'NR > 1 && $2 == c { print $k }' "$tsv"; }
read -r s1 s1min s1max < <(col search 3 | stats)
read -r s2 s2min s2max < <(col session 3 | stats)
read -r s3 s3min s3max < <(col sync 3 | stats)
sess=$(col session 8 | awk '{s += $1} END {print s + 0}')
persec=$(awk -v s="$sess" -v r="$ROUNDS" -v d="$DUR" 'BEGIN { printf "%.1f", s / (r * d) }')
sps=$(awk -v s="$(col sync 8 | awk '{s += $1} END {print s + 0}')" -v r="$ROUNDS" -v d="$DUR" 'BEGIN { printf "%.1f", s / (r * d) }')
{
  echo "diagnostic benchmark - $(machine)"
  echo "wrk -t$CONN -c$CONN -d${DUR}s, $ROUNDS rounds alternating; server threads $THREADS, --rate 0; real places of $SHARED/lieux"
  printf '%-56s %-24s %-10s %-10s %s\n' case "req/s median [min-max]" "p50 ms" "p99 ms" "errors"
  printf '%-56s %-24s %-10s %-10s %s\n' "lieux search (GET /api/v1/lieux, fixed point)" "$s1 [$s1min-$s1max]" "$(col search 4 | median)" "$(col search 5 | median)" "$(col search 6 | awk '{s+=$1} END {print s+0}')"
  printf '%-56s %-24s %-10s %-10s %s\n' "diagnostic pages, whole sessions (GET/POST mix)" "$s2 [$s2min-$s2max]" "$(col session 4 | median)" "$(col session 5 | median)" "$(col session 6 | awk '{s+=$1} END {print s+0}')"
  printf '%-56s %-24s %-10s %-10s %s\n' "offline submission (PUT, whole finished session)" "$s3 [$s3min-$s3max]" "$(col sync 4 | median)" "$(col sync 5 | median)" "$(col sync 6 | awk '{s+=$1} END {print s+0}')"
  echo "whole diagnostics without JavaScript: $sess sessions in $((ROUNDS * DUR)) s = $persec per second (each ~40 requests)"
  echo "offline submissions: $sps finished sessions per second"
  echo "ratio session req/s / search req/s: $(ratio "$s2" "$s1"); finished sessions in the database: $finished, answers: $answers"
  echo "server peak RSS ${rss} kB"
  bin_check
} | tee "$OUT/diagnostic.txt"
{
  printf 'diagnostic\treq/s diagnostic pages vs lieux search\t%s\t%s\t%s\t-\t-\n' "$s2" "$s1" "$(ratio "$s2" "$s1")"
  printf 'diagnostic\twhole sessions per second (no JS)\t%s\t-\t-\t-\t-\n' "$persec"
  printf 'diagnostic\toffline submissions per second\t%s\t-\t-\t-\t-\n' "$sps"
} >"$OUT/diagnostic.summary"
