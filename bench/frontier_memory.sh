#!/usr/bin/env bash
# Measures the master's memory per seen URL and per queued URL (a million of
# each, heap bytes from mallinfo2) and prints a Markdown table.
# Usage: bench/frontier_memory.sh   (builds build-bench/ if needed)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
"$repo/scripts/install-deps.sh"
cmake -S "$repo" -B "$repo/build-bench" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$repo/build-bench" --target forage_lib -j "$(nproc)" >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
g++ -std=c++20 -O2 -I"$repo/src" -I"$repo/include" -I"$repo/build-bench/include" \
  "$repo/bench/frontier_memory.cc" "$repo/build-bench/libforage.a" \
  $(pkg-config --libs libcurl gumbo libpsl libidn2 re2 hiredis zlib libcrypto) -o "$out/frontier_memory"
"$out/frontier_memory"
