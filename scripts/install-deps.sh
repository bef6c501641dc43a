#!/usr/bin/env bash
# Installs, with apt-get, whatever forage needs to build and test that is missing.
# Usage: scripts/install-deps.sh [--test] [--bench]
#   --test adds what scripts/test.sh needs beyond the build: clang with its
#   sanitizer and libFuzzer runtimes (the fuzz targets), valgrind,
#   redis-server (the shared frontier's tests), and for the request-shaping
#   tests the openssl program (test certificates), tinyproxy (its binary
#   alone: the tinyproxy package would also start a system service) and
#   microsocks; for the WARC tests GNU wget (a third party's WARC writer),
#   Node.js and npm, and with npm the pinned warcio (tests/support/warcio's
#   package-lock.json) into tests/support/warcio/node_modules.
#   --bench adds what bench/ runs: nginx, wget2, httrack, gnuplot, Scrapy, requests,
#   lxml, redis-server and the documentation sites the benchmark serves.
set -euo pipefail
cd "$(dirname "$0")/.."
want_warcio=0

packages=(build-essential cmake pkg-config libcurl4-openssl-dev libgumbo-dev
          libboost-dev libcli11-dev nlohmann-json3-dev catch2 libcpp-httplib-dev libssl-dev zlib1g-dev libexpat1-dev
          libpsl-dev libidn2-dev libre2-dev libhiredis-dev libsqlite3-dev libtomlplusplus-dev
          curl)
for flag in "$@"; do
  case "$flag" in
    --test) packages+=(clang-14 libclang-rt-14-dev valgrind redis-server openssl tinyproxy-bin
                       microsocks wget
                       # the scanner's differential test reads every page of these
                       postgresql-doc-15 python3.11-doc cppreference-doc-en-html)
            # Debian's nodejs and npm, unless a node that brings its own npm
            # (NodeSource's, say, which Debian's npm package conflicts with) is there.
            command -v node >/dev/null || packages+=(nodejs)
            command -v npm >/dev/null || packages+=(npm)
            want_warcio=1 ;;
    --bench)
      packages+=(nginx-light wget2 httrack curl python3 gnuplot-nox python3-scrapy
                 python3-requests python3-lxml postgresql-doc-15 python3.11-doc
                 cppreference-doc-en-html redis-server) ;;
    *) echo "install-deps: unknown option $flag (--test, --bench)" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} > 0)); then
  echo "install-deps: installing ${missing[*]}" >&2
  sudo_cmd=()
  if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

# warcio, exactly as the lock file pins it; npm ci again only when the lock
# file is newer than what it installed (npm's cache makes a repeat offline).
if ((want_warcio)); then
  dir=tests/support/warcio
  if [[ ! -f $dir/node_modules/.package-lock.json ||
        $dir/package-lock.json -nt $dir/node_modules/.package-lock.json ]]; then
    echo "install-deps: installing warcio into $dir/node_modules" >&2
    npm ci --prefix "$dir" --no-audit --no-fund --prefer-offline >&2
  fi
fi
