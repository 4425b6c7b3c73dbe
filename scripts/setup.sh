#!/usr/bin/env bash
# setup.sh - install every Debian and npm dependency Passerelle needs.
# Idempotent: packages already present are skipped. Called by `make setup`.
# Usage: scripts/setup.sh [--bench]   (--bench adds nginx, wrk and PostGIS)
set -euo pipefail
cd "$(dirname "$0")/.."

DEB_PKGS="build-essential pkg-config clang-14 libclang-rt-14-dev sqlite3 \
libsqlite3-dev libmicrohttpd-dev libjansson-dev libsodium-dev chromium python3 openssl \
python3-aiosmtpd"
BENCH_PKGS="wrk nginx-light postgresql-15 postgresql-15-postgis-3 time curl iproute2 linux-perf"

want="$DEB_PKGS"
if [ "${1:-}" = "--bench" ]; then want="$want $BENCH_PKGS"; fi

missing=""
# Node.js may come from another repository (with its own npm): only ask Debian when absent.
command -v npm >/dev/null 2>&1 || want="$want nodejs npm"
for p in $want; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "setup: installing Debian packages:$missing"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# npm packages are pinned in package.json / package-lock.json.
if [ ! -f node_modules/.passerelle-installed ] || [ package.json -nt node_modules/.passerelle-installed ]; then
  echo "setup: installing npm packages"
  npm install --no-audit --no-fund --loglevel=error >/dev/null
  touch node_modules/.passerelle-installed
fi
