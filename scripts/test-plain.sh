#!/usr/bin/env bash
# The checks a sanitizer build cannot make, on a Debug build without
# sanitizers (build-plain/):
#   - the unit tests under valgrind (memcheck): no errors, no leaks;
#   - the resource-limit tests ([limits]): --fetcher-memory is RLIMIT_DATA,
#     which AddressSanitizer's shadow memory would fill.
# Called by scripts/test.sh; assumes scripts/install-deps.sh --test has run.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${FORAGE_PLAIN_BUILD_DIR:-build-plain}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Debug -DFORAGE_BUILD_TESTS=ON -DFORAGE_SANITIZE=OFF \
  >/dev/null
cmake --build "$build" -j "$(nproc)"
tests=$build/tests/forage_tests
echo "test-plain: resource limits ($build)" >&2
"$tests" "[limits]"
echo "test-plain: unit tests under valgrind" >&2
# Definite and indirect leaks fail; "still reachable" (libraries' one-time
# allocations at exit) does not. Forked children (fetchers in unit tests)
# leave through _exit() with their parent's objects alive: only the test
# process itself is checked. [heavy] tests (tens of thousands of random
# cases, 100,000-deep documents) run in the ASan suite only: valgrind is
# some 50 times slower.
valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
  --show-leak-kinds=definite,indirect --child-silent-after-fork=yes \
  --suppressions=tests/valgrind/forage.supp "$tests" "~[integration]~[slow]~[heavy]"
