#!/usr/bin/env bash
# Runs forage against other projects' conformance data (WPT URL tests,
# google/robotstxt's cases, soupsieve's selector cases, the WHATWG Encoding
# Standard's indexes) and prints pass/fail counts per suite; see
# docs/conformance.md. The data is read from $FORAGE_EXTERNAL_SUITES, else
# ../shared/external-suites beside this repository, and never copied into it;
# where it is absent the script says so and exits 0.
#
#   scripts/conformance.sh [BUILD_DIR] [forage_conformance options...]
#
# BUILD_DIR (default: $FORAGE_BUILD_DIR, else build-test) must be configured
# with -DFORAGE_BUILD_TESTS=ON; the program is built there if needed. Exits 1
# when a case fails that docs/conformance.md does not list as a difference.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${FORAGE_BUILD_DIR:-build-test}
if [[ $# -gt 0 && $1 != -* ]]; then
  build_dir=$1
  shift
fi
cmake --build "$build_dir" --target forage_conformance -j "$(nproc)" >/dev/null
status=0
"$build_dir/tests/forage_conformance" --strict "$@" || status=$?
if [[ $status -eq 77 ]]; then
  exit 0
fi
exit $status
