#!/usr/bin/env bash
# Installs what is missing, builds forage and its tests, and runs the whole
# suite with CTest. The test build (build-test/) is Debug with AddressSanitizer
# and UndefinedBehaviorSanitizer, so assertions are live and memory errors fail.
# scripts/conformance.sh then prints the conformance suites' counts (CTest
# has already failed on any case docs/conformance.md does not list). Then
# scripts/fuzz.sh builds the libFuzzer targets with clang (build-fuzz/)
# and runs each for $FORAGE_FUZZ_SECONDS (60; 0: only over its corpus),
# scripts/test-plain.sh runs the unit tests under valgrind and the
# resource-limit tests on a build without sanitizers (build-plain/), and
# scripts/check-install.sh installs a Release build (build-install/) into a
# temporary prefix and builds and runs examples/embed against it.
set -euo pipefail
cd "$(dirname "$0")/.."
export FORAGE_BUILD_DIR=${FORAGE_BUILD_DIR:-build-test}
export FORAGE_BUILD_TYPE=${FORAGE_BUILD_TYPE:-Debug}
scripts/install-deps.sh --test
scripts/build.sh -DFORAGE_BUILD_TESTS=ON -DFORAGE_SANITIZE=${FORAGE_SANITIZE:-ON}
ctest --test-dir "$FORAGE_BUILD_DIR" --output-on-failure --timeout 120 -j "$(nproc)"
scripts/conformance.sh "$FORAGE_BUILD_DIR"
scripts/fuzz.sh
scripts/test-plain.sh
FORAGE_TEST_SERVER=$FORAGE_BUILD_DIR/tests/forage_test_server scripts/check-install.sh
