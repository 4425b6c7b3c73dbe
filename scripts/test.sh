#!/usr/bin/env bash
# test.sh - the whole test suite (`make test`), in this order:
#   1. unit tests (tests/test_*.c) built normally, then under ASan + UBSan;
#   2. fuzz targets (fuzz/fuzz_*.c, libFuzzer), each for FUZZ_SECONDS
#      (default 20) over its seed corpus;
#   3. HTTP tests against the real server on real data (tests/http/);
#   4. browser tests in Debian's Chromium with axe-core (tests/browser/).
# Each part prints "check: N passed, M failed"; the last line sums them as
# "N passed, M failed". Exit status 0 only when nothing failed.
set -uo pipefail
cd "$(dirname "$0")/.."
export LC_ALL=C.UTF-8
FUZZ_SECONDS=${FUZZ_SECONDS:-20}
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT
passed=0; failed=0; broken=0

t_start=$SECONDS
tally() { # tally NAME FILE STATUS  (the time since the previous tally is shown)
  local line p f el=$((SECONDS - t_start))
  t_start=$SECONDS
  line=$(grep -E '^check: [0-9]+ passed, [0-9]+ failed' "$2" | tail -n 1)
  if [ -z "$line" ]; then
    echo "FAIL $1: no result line (exit $3)"; tail -n 20 "$2"; broken=$((broken + 1)); return
  fi
  p=$(echo "$line" | sed -E 's/check: ([0-9]+) passed.*/\1/')
  f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
  passed=$((passed + p)); failed=$((failed + f))
  if [ "$f" != 0 ] || [ "$3" != 0 ]; then
    echo "FAIL $1 ($line, exit $3)"; grep -v '^check:' "$2" | tail -n 30
    [ "$f" = 0 ] && broken=$((broken + 1))
  else
    echo "ok   $1 ($p checks, ${el} s)"
  fi
}

run_units() { # run_units BUILD_DIR LABEL
  for t in "$1"/tests/test_*; do
    [ -x "$t" ] || continue
    n=$(basename "$t")
    "$t" >"$log/$n.$2" 2>&1; tally "$2 $n" "$log/$n.$2" $?
  done
}

echo "== build"
make -j2 all unit >"$log/build" 2>&1 || { cat "$log/build"; echo "0 passed, 1 failed"; exit 1; }
echo "== unit tests"
run_units build unit

echo "== unit tests under ASan + UBSan"
SAN="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"
if make -j2 B=build-asan CFLAGS="$SAN" LDFLAGS="-fsanitize=address,undefined" unit >"$log/build-asan" 2>&1; then
  ASAN_OPTIONS=detect_leaks=1 run_units build-asan asan
else
  cat "$log/build-asan"; broken=$((broken + 1))
fi

echo "== fuzzing (${FUZZ_SECONDS}s each)"
if make -j2 fuzz >"$log/build-fuzz" 2>&1; then
  for fz in build/fuzz/fuzz_*; do
    n=$(basename "$fz"); corpus=fuzz/corpus/${n#fuzz_}
    mkdir -p "$log/corpus-$n"
    if "$fz" -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        "$log/corpus-$n" "$corpus" >"$log/$n" 2>&1; then
      runs=$(grep -E 'stat::number_of_executed_units' "$log/$n" | awk '{print $2}')
      echo "check: 1 passed, 0 failed" >>"$log/$n"; tally "fuzz $n (${runs:-?} inputs)" "$log/$n" 0
    else
      echo "check: 0 passed, 1 failed" >>"$log/$n"; tally "fuzz $n" "$log/$n" 1
    fi
  done
else
  cat "$log/build-fuzz"; broken=$((broken + 1))
fi

echo "== HTTP tests (real server, real data)"
for t in tests/http/test_*.py; do
  [ -f "$t" ] || continue
  n=$(basename "$t")
  python3 "$t" >"$log/$n" 2>&1; tally "http $n" "$log/$n" $?
done

echo "== browser tests (Chromium, axe-core)"
for t in tests/browser/test_*.mjs; do
  [ -f "$t" ] || continue
  n=$(basename "$t")
  node "$t" >"$log/$n" 2>&1; tally "browser $n" "$log/$n" $?
done

if [ "$broken" != 0 ]; then failed=$((failed + broken)); fi
echo "(whole run: ${SECONDS} s)"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
