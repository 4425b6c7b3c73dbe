#!/usr/bin/env bash
# http.sh - our search endpoint against nginx serving the same bytes statically.
#
#   ours    passerelle serve on 127.0.0.1:18080 (--threads $THREADS), the real
#           places loaded (../shared/data/lieux, deduplicated);
#           GET /api/v1/lieux?lat=45.76&lon=4.83&limite=10
#   ours*   the same endpoint, the point changing at every request among
#           1,000 points (bench/http_points.lua): no two requests alike
#   nginx   nginx serving one saved response of that URL as a static file,
#           with the same response headers as ours (Content-Type, CSP...),
#           127.0.0.1:18081, worker_processes $THREADS, access_log off,
#           keep-alive as configured by default, run as root from a temp
#           prefix (-p), stopped at exit
# Each: wrk -t2 -c64 -d${DUR}s --latency, alternately, $ROUNDS rounds.
# Loopback only. The machine's cores are shared by wrk and the server.
#
# Usage: bench/http.sh   (ROUNDS=3 DUR=15 THREADS=2; PROFILE=1 adds a perf
# profile of our server under wrk: bench/out/http-profile.txt, +15 s).
# Output: bench/out/http.txt, bench/out/http.tsv, bench/out/http.summary. ~2.5 min.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
ROUNDS=${ROUNDS:-3}
DUR=${DUR:-15}
THREADS=${THREADS:-2}
PROFILE=${PROFILE:-0}
# Wanted ports; a port already taken is skipped (our server sets SO_REUSEPORT,
# so a busy port would silently share the load with someone else's server).
P_OURS=${P_OURS:-18080}
P_NGINX=${P_NGINX:-18081}
URL_PATH="/api/v1/lieux?lat=45.76&lon=4.83&limite=10"
need_bin
cd "$ROOT"
command -v wrk >/dev/null || die "wrk not installed (scripts/setup.sh --bench)"
command -v curl >/dev/null || die "curl not installed (Debian package: curl)"
command -v nginx >/dev/null || die "nginx not installed (scripts/setup.sh --bench)"
db=$(real_db)
pts=$(points_csv 10000)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/passerelle-http.XXXXXX")
chmod 755 "$tmp"
ours_pid=""
nginx_pid=""
cleanup() {
  [ -n "$ours_pid" ] && kill "$ours_pid" 2>/dev/null && wait "$ours_pid" 2>/dev/null
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

port_busy() { ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; }
free_port() { # WANTED [AVOID] -> the first port >= WANTED nobody listens on
  local p=$1
  while port_busy "$p" || [ "$p" = "${2:-}" ]; do p=$((p + 1)); done
  [ "$p" = "$1" ] || say "http: port $1 is in use by another process: using $p"
  echo "$p"
}
P_OURS=$(free_port "$P_OURS")
P_NGINX=$(free_port "$P_NGINX" "$P_OURS")

wait_port() { # PORT
  local i
  for i in $(seq 1 100); do
    curl -s -o /dev/null "http://127.0.0.1:$1/" && return 0
    sleep 0.1
  done
  die "nothing listens on 127.0.0.1:$1"
}

"$BIN" --db "$db" serve --host 127.0.0.1 --port "$P_OURS" --threads "$THREADS" --rate 0 2>"$tmp/serve.log" &
ours_pid=$!
wait_port "$P_OURS"

mkdir -p "$tmp/www/api/v1"
code=$(curl -s -D "$tmp/headers" -o "$tmp/www/api/v1/lieux.json" -w '%{http_code}' "http://127.0.0.1:$P_OURS$URL_PATH")
[ "$code" = 200 ] || die "GET $URL_PATH: HTTP $code"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d["resultats"]) == 10' \
  "$tmp/www/api/v1/lieux.json" || die "the response is not 10 places of JSON"
size=$(stat -c %s "$tmp/www/api/v1/lieux.json")
# Same headers as ours (but Date, Content-Length, Server and Connection).
hdrs=$(tr -d '\r' <"$tmp/headers" | awk -F': ' 'NR > 1 && NF >= 2 && $1 !~ /^(Date|Content-Length|Content-Type|Connection|Server)$/ {
  v = substr($0, length($1) + 3); gsub(/"/, "\\\"", v); printf "      add_header %s \"%s\";\n", $1, v }')
cat >"$tmp/nginx.conf" <<EOF
worker_processes $THREADS;
pid $tmp/nginx.pid;
error_log $tmp/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  server_tokens off;
  server {
    listen 127.0.0.1:$P_NGINX;
    root $tmp/www;
    location = /api/v1/lieux {
      default_type application/json;
      try_files /api/v1/lieux.json =404;
$hdrs
    }
  }
}
EOF
nginx -p "$tmp" -e "$tmp/nginx-error.log" -c "$tmp/nginx.conf" -g 'daemon off;' &
nginx_pid=$!
wait_port "$P_NGINX"
curl -s -o "$tmp/check.json" "http://127.0.0.1:$P_NGINX$URL_PATH"
cmp -s "$tmp/check.json" "$tmp/www/api/v1/lieux.json" || die "nginx does not serve the saved response"
hb_ours=$(curl -s -D - -o /dev/null "http://127.0.0.1:$P_OURS$URL_PATH" | wc -c)
hb_nginx=$(curl -s -D - -o /dev/null "http://127.0.0.1:$P_NGINX$URL_PATH" | wc -c)

tsv=$OUT/http.tsv
printf 'round\tcase\treq_s\tp50_ms\tp99_ms\terrors\trequests\tloadavg\n' >"$tsv"

ms() { # wrk latency "254.00ms" / "812.00us" / "1.02s" -> ms
  awk -v v="$1" 'BEGIN { n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    if (u == "us") n /= 1000; else if (u == "s") n *= 1000; printf "%.3f", n }'
}

run_case() { # ROUND CASE
  local r=$1 c=$2 la out
  la=$(loadavg)
  out=$tmp/wrk.$c.$r
  case $c in
    nginx) wrk -t2 -c64 -d"${DUR}s" --latency "http://127.0.0.1:$P_NGINX$URL_PATH" >"$out" ;;
    ours) wrk -t2 -c64 -d"${DUR}s" --latency "http://127.0.0.1:$P_OURS$URL_PATH" >"$out" ;;
    ours_var) wrk -t2 -c64 -d"${DUR}s" --latency -s "$ROOT/bench/http_points.lua" \
                "http://127.0.0.1:$P_OURS" -- "$pts" 1000 >"$out" ;;
  esac
  local rps p50 p99 err reqs
  rps=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$out")
  p50=$(ms "$(awk '$1 == "50%" {print $2}' "$out")")
  p99=$(ms "$(awk '$1 == "99%" {print $2}' "$out")")
  reqs=$(awk '/requests in/ {print $1}' "$out")
  err=$(awk '/Socket errors:/ { gsub(/,/, ""); s += $4 + $6 + $8 + $10 }
             /Non-2xx or 3xx responses:/ { s += $5 } END { print s + 0 }' "$out")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$c" "$rps" "$p50" "$p99" "$err" "$reqs" "$la" >>"$tsv"
  say "http: round $r $c $rps req/s p99 ${p99} ms errors $err (load $la)"
}

say "http: response $size bytes; $ROUNDS rounds of ${DUR}s per case"
for r in $(seq 1 "$ROUNDS"); do
  case $((r % 3)) in
    1) order="nginx ours ours_var" ;;
    2) order="ours ours_var nginx" ;;
    0) order="ours_var nginx ours" ;;
  esac
  for c in $order; do run_case "$r" "$c"; done
done
rss=$(awk '/^VmHWM/ {print $2}' "/proc/$ours_pid/status" 2>/dev/null || echo "?")
if [ "$PROFILE" = 1 ]; then
  if command -v perf >/dev/null 2>&1; then
    say "http: profiling our server under wrk (fixed point, 10 s)"
    wrk -t2 -c64 -d12s "http://127.0.0.1:$P_OURS$URL_PATH" >/dev/null &
    wrk_pid=$!
    sleep 1
    perf record -q -F 499 --call-graph dwarf,16384 -p "$ours_pid" -o "$tmp/perf.data" -- sleep 10 \
      2>"$tmp/perf.log" || say "http: perf record failed: $(tail -n 2 "$tmp/perf.log")"
    wait "$wrk_pid" || true
    { echo "perf profile of passerelle serve under wrk -t2 -c64, $URL_PATH, $(machine)"
      perf script -i "$tmp/perf.data" -F ip,sym 2>/dev/null | python3 "$ROOT/bench/perf_phases.py" http 15
    } | tee "$OUT/http-profile.txt"
  else
    say "http: perf not installed: no profile"
  fi
fi

col() { awk -F'\t' -v c="$1" -v k="$2" 'NR > 1 && $2 == c { print $k }' "$tsv"; }
read -r n nmin nmax < <(col nginx 3 | stats)
read -r o omin omax < <(col ours 3 | stats)
read -r v vmin vmax < <(col ours_var 3 | stats)
np99=$(col nginx 5 | median); op99=$(col ours 5 | median); vp99=$(col ours_var 5 | median)
np50=$(col nginx 4 | median); op50=$(col ours 4 | median); vp50=$(col ours_var 4 | median)
nerr=$(col nginx 6 | awk '{s+=$1} END {print s+0}')
oerr=$(col ours 6 | awk '{s+=$1} END {print s+0}')
verr=$(col ours_var 6 | awk '{s+=$1} END {print s+0}')
ro=$(ratio "$o" "$n"); rv=$(ratio "$v" "$n")
verdict() { awk -v x="$1" -v e="$2" 'BEGIN { print (x >= 0.5 && e == 0 ? "met" : "MISSED") }'; }
{
  echo "http benchmark - $(machine)"
  echo "response $size bytes of JSON (10 places); headers: ours $hb_ours bytes, nginx $hb_nginx bytes"
  echo "wrk -t2 -c64 -d${DUR}s, $ROUNDS rounds alternating; server threads/workers: $THREADS (nproc $(nproc)); $(nginx -v 2>&1 | sed 's/.*: //'); ports $P_OURS / $P_NGINX"
  printf '%-48s %-24s %-10s %-10s %s\n' case "req/s median [min-max]" "p50 ms" "p99 ms" "errors"
  printf '%-48s %-24s %-10s %-10s %s\n' "nginx static file" "$n [$nmin-$nmax]" "$np50" "$np99" "$nerr"
  printf '%-48s %-24s %-10s %-10s %s\n' "ours, fixed point" "$o [$omin-$omax]" "$op50" "$op99" "$oerr"
  printf '%-48s %-24s %-10s %-10s %s\n' "ours, 1,000 varying points" "$v [$vmin-$vmax]" "$vp50" "$vp99" "$verr"
  echo "ratio ours/nginx: fixed $ro (target >= 0.5, no errors: $(verdict "$ro" "$oerr")), varying $rv ($(verdict "$rv" "$verr"))"
  echo "server peak RSS ${rss} kB; load average during the runs: $(col nginx 8 | cut -d' ' -f1 | stats | awk '{print "median " $1 ", min " $2 ", max " $3}')"
  bin_check
} | tee "$OUT/http.txt"
{
  printf 'http\treq/s ours vs nginx static, fixed point\t%s\t%s\t%s\t>= 0.5\t%s\n' "$o" "$n" "$ro" "$(verdict "$ro" "$oerr")"
  printf 'http\treq/s ours vs nginx static, 1,000 points\t%s\t%s\t%s\t>= 0.5\t%s\n' "$v" "$n" "$rv" "$(verdict "$rv" "$verr")"
  printf 'http\tp99 ms ours (fixed / varying) vs nginx\t%s / %s\t%s\t-\t-\t-\n' "$op99" "$vp99" "$np99"
  printf 'http\terrors ours (fixed / varying) vs nginx\t%s / %s\t%s\t-\t0\t%s\n' "$oerr" "$verr" "$nerr" \
    "$([ "$oerr" = 0 ] && [ "$verr" = 0 ] && echo met || echo MISSED)"
} >"$OUT/http.summary"
