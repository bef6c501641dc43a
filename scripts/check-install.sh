#!/usr/bin/env bash
# Checks that forage installs and can be embedded: builds it (Release, into
# build-install/), installs it into a temporary prefix, builds
# examples/embed against that prefix with CMake (find_package, the shared
# library and the static one) and with pkg-config, and runs the programs on a
# crawl of the local test server; then builds examples/state and runs it with
# a state: a run stopped after a record, the run that resumes its pass, and
# a new pass in which nothing is due yet.
#
# The test server comes from the test build: $FORAGE_TEST_SERVER (relative
# to the repository), else build-test/tests/forage_test_server. scripts/test.sh
# builds it, then runs this script.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${FORAGE_INSTALL_BUILD_DIR:-build-install}
server_bin=${FORAGE_TEST_SERVER:-build-test/tests/forage_test_server}
if [[ ! -x $server_bin ]]; then
  echo "check-install: no test server at $server_bin (run scripts/test.sh, or set FORAGE_TEST_SERVER)" >&2
  exit 1
fi

tmp=$(mktemp -d)
server_pid=
cleanup() {
  if [[ -n $server_pid ]]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

step() { echo "check-install: $*" >&2; }
fail() {
  echo "check-install: FAILED: $*" >&2
  exit 1
}
version=$(sed -n 's/^project(forage VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)

step "building forage (Release) in $build/"
FORAGE_BUILD_DIR=$build FORAGE_BUILD_TYPE=Release \
  scripts/build.sh -DFORAGE_BUILD_TESTS=OFF -DFORAGE_SANITIZE=OFF >/dev/null
prefix=$tmp/prefix
step "installing into a temporary prefix"
cmake --install "$build" --prefix "$prefix" >/dev/null
for f in include/forage/forage.h include/forage/version.h lib/libforage.a lib/libforage.so \
  lib/libforage.so.0 lib/cmake/forage/forageConfig.cmake lib/pkgconfig/forage.pc bin/forage \
  libexec/forage/forage-fetcher; do
  [[ -e $prefix/$f ]] || fail "cmake --install did not install $f"
done
[[ $(readlink "$prefix/lib/libforage.so.0") == libforage.so.0.1.0 ]] ||
  fail "libforage.so.0 does not point at libforage.so.0.1.0"

step "building examples/embed with find_package(forage), shared and static"
cmake -S examples/embed -B "$tmp/embed" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release \
  >/dev/null
cmake --build "$tmp/embed" >/dev/null
# The same program on forage::forage_static, to check the package finds
# what libforage.a needs.
mkdir "$tmp/static-src"
cp examples/embed/main.cc "$tmp/static-src/"
sed 's/forage::forage)/forage::forage_static)/; s/forage 0.1 REQUIRED/& COMPONENTS static/' \
  examples/embed/CMakeLists.txt >"$tmp/static-src/CMakeLists.txt"
if ! grep -q 'COMPONENTS static' "$tmp/static-src/CMakeLists.txt" ||
  ! grep -q 'forage::forage_static)' "$tmp/static-src/CMakeLists.txt"; then
  fail "could not make a forage::forage_static build of examples/embed"
fi
cmake -S "$tmp/static-src" -B "$tmp/embed-static" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$tmp/embed-static" >/dev/null
if readelf -d "$tmp/embed-static/embed" | grep -q 'libforage\.so'; then
  fail "the forage::forage_static build links libforage.so"
fi

step "building examples/state with find_package(forage)"
cmake -S examples/state -B "$tmp/state" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release \
  >/dev/null
cmake --build "$tmp/state" >/dev/null

step "building examples/embed with pkg-config"
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
# shellcheck disable=SC2046  # pkg-config prints several words on purpose
g++ -std=c++20 examples/embed/main.cc $(pkg-config --cflags --libs forage) -o "$tmp/embed-pc"
[[ $(pkg-config --modversion forage) == "$version" ]] || fail "forage.pc's version is not $version"

step "running the programs on a local crawl"
# The server stops at EOF on its standard input, so this script holds a
# fifo open to it (until it exits), and reads its port from another.
mkfifo "$tmp/server.in" "$tmp/server.out"
"$server_bin" <"$tmp/server.in" >"$tmp/server.out" &
server_pid=$!
# server_in also tells the server to answer held pages (examples/state).
exec {server_in}>"$tmp/server.in" {server_out}<"$tmp/server.out"
read -r -t 30 -u "$server_out" word port || fail "the test server printed no port"
[[ $word == PORT ]] || fail "the test server said '$word $port', not PORT"
base=http://127.0.0.1:$port

# Seeds: a page linking to pages 2 and 3, and a page linking to page 10 and
# to a logout URL, which the example's OnAdmit filter drops.
links_url="$base/links?l=/page/10&l=/account/logout"
expected=(
  "$base/page/1 200 Page 1"
  "$base/page/2 200 Page 2"
  "$base/page/3 200 Page 3"
  "$links_url 200 links"
  "$base/page/10 200 Page 10"
  "records 5 ok 5 failed 0 skipped 0"
  "forage $version (headers $version)"
  "extracted title: Hello, forage"
  "extracted link: https://example.com/start/docs/"
  "extracted link: https://example.org/x"
)
# check_run NAME PROGRAM: runs PROGRAM on the seeds and checks what it prints.
check_run() {
  local name=$1 program=$2 out=$tmp/run.out err=$tmp/run.err status=0
  timeout 60 "$program" "$base/page/1" "$links_url" >"$out" 2>"$err" || status=$?
  if ((status != 0)); then
    cat "$out" "$err" >&2
    fail "$name exited with status $status"
  fi
  for line in "${expected[@]}"; do
    if ! grep -qxF -- "$line" "$out"; then
      cat "$out" >&2
      fail "$name did not print '$line'"
    fi
  done
  if grep -q "^$base/account/logout" "$out"; then
    cat "$out" >&2
    fail "$name crawled a link its OnAdmit filter refuses"
  fi
  step "ok: $name"
}
check_run "embed (CMake, libforage.so)" "$tmp/embed/embed"
check_run "embed (CMake, libforage.a)" "$tmp/embed-static/embed"
LD_LIBRARY_PATH=$prefix/lib check_run "embed (pkg-config, libforage.so)" "$tmp/embed-pc"
step "ok: installed forage builds and runs examples/embed"

# examples/state. The held page keeps the first run from ending before it is
# stopped, after its first record: the held page and whatever else was not
# recorded stay pending in the state, for the second run.
state_seeds=("$base/page/21" "$base/page/22" "$base/hold/state" "$base/page/23" "$base/page/24")
# run_state OUT ARGS...: runs examples/state on the seeds with the state.
run_state() {
  local out=$1 status=0
  shift
  timeout 60 "$tmp/state/state" "$tmp/crawl.state" "$@" "${state_seeds[@]}" >"$out" \
    2>"$tmp/state.err" || status=$?
  if ((status != 0)); then
    cat "$out" "$tmp/state.err" >&2
    fail "examples/state $* exited with status $status"
  fi
}
run_state "$tmp/state.1" --stop-after 1
grep -q ' interrupted 1$' "$tmp/state.1" || {
  cat "$tmp/state.1" >&2
  fail "examples/state --stop-after 1 was not stopped"
}
echo release >&"$server_in"  # the held page, and every later one, is answered
run_state "$tmp/state.2"
grep -q ' interrupted 0$' "$tmp/state.2" || {
  cat "$tmp/state.2" >&2
  fail "examples/state did not finish the pass it resumed"
}
for url in "${state_seeds[@]}"; do
  n=$(cat "$tmp/state.1" "$tmp/state.2" | grep -cxF -- "$url 200" || true)
  if ((n != 1)); then
    cat "$tmp/state.1" "$tmp/state.2" >&2
    fail "examples/state recorded $url $n times across a stopped run and the one resuming it"
  fi
done
run_state "$tmp/state.3" --recrawl-after 3600
if ! grep -qxF "records 0 resumed 0 not_due 5 unchanged 0 interrupted 0" "$tmp/state.3"; then
  cat "$tmp/state.3" >&2
  fail "examples/state fetched again pages it recorded less than an hour ago"
fi
step "ok: installed forage runs examples/state: stopped, resumed, nothing due"
