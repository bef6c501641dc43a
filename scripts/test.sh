#!/usr/bin/env bash
# Installs what is missing, builds forage with its tests, and runs the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh -DFORAGE_BUILD_TESTS=ON
build_dir=${FORAGE_BUILD_DIR:-build}
ctest --test-dir "$build_dir" --output-on-failure --timeout 120 -j "$(nproc)"
