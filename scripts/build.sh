#!/usr/bin/env bash
# Installs what is missing, then configures and builds forage into build/ (Release).
# Extra arguments go to cmake's configure step, e.g. -DFORAGE_SANITIZE=ON.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
build_dir=${FORAGE_BUILD_DIR:-build}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE="${FORAGE_BUILD_TYPE:-Release}" "$@" >/dev/null
cmake --build "$build_dir" -j "$(nproc)"
