#!/usr/bin/env bash
# dedup.sh - build and run the deduplication benchmark on synthetic places.
# Usage: bench/dedup.sh [N [seed]]   (default N = 1000000)
# Prints places, pairs examined, duplicate pairs, groups, recall/precision
# against the injected duplicates, and seconds (generation, dedup_run, merge).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${TMPDIR:-/tmp}/passerelle-dedup-synthetic"
cc -O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Isrc -o "$out" \
  bench/dedup_synthetic.c src/lieux/dedup.c src/base/text.c src/base/buf.c -lm
"$out" "${1:-1000000}" "${2:-42}"
