#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/) with clang into build-fuzz/ and
# runs each for SECONDS (default 60, or $FORAGE_FUZZ_SECONDS), up to
# $FORAGE_FUZZ_JOBS at a time (default: the CPU count), each over a copy of
# its seed corpus in a temporary directory: the committed corpus never grows.
# Usage: scripts/fuzz.sh [SECONDS]    (0: build, and run each target over its
#                                      corpus and regressions only)
#
# Fails, naming the target and the input, on any crash, sanitizer report,
# leak, timeout (10 s for one input) or memory blow-up (2 GiB). The input is
# kept under build-fuzz/fuzz-artifacts/<target>/; once fixed, copy it to
# tests/fuzz/regressions/<target>/, whose files the Catch2 suite replays.
# Run one target by hand with, e.g.,
#   build-fuzz/tests/fuzz/fuzz_url -max_total_time=600 some-corpus-dir/
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-${FORAGE_FUZZ_SECONDS:-60}}
parallel=${FORAGE_FUZZ_JOBS:-$(nproc)}
build_dir=build-fuzz
targets=(html charset url robots url_list config wire shared cookie save_path cdxj sitemap
  srcset meta_refresh css_urls signals scanner)

scripts/install-deps.sh --test
start=$SECONDS
# Debug keeps assertions live; -O1 is what libFuzzer's documentation advises
# with AddressSanitizer.
CC=clang-14 CXX=clang++-14 cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_FLAGS_DEBUG="-g -O1" -DFORAGE_FUZZ=ON -DFORAGE_BUILD_TESTS=OFF >/dev/null
cmake --build "$build_dir" --target fuzz -j "$(nproc)" >/dev/null
echo "fuzz: built in $((SECONDS - start)) s; ${#targets[@]} targets, ${seconds} s each, $parallel at a time"

work=$(mktemp -d "${TMPDIR:-/tmp}/forage-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
artifacts=$PWD/$build_dir/fuzz-artifacts

# The seed corpora, plus seeds that are better made than committed.
for t in "${targets[@]}"; do
  mkdir -p "$work/$t" "$artifacts/$t"
  cp tests/fuzz/corpus/"$t"/* "$work/$t/"
  if compgen -G "tests/fuzz/regressions/$t/*" >/dev/null; then
    cp tests/fuzz/regressions/"$t"/* "$work/$t/"
  fi
done
# This build's frame layouts, and what a shared crawl keeps in Redis.
"$build_dir/tests/fuzz/fuzz_wire_seeds" "$work/wire" "$work/shared"
cp config/forage.toml "$work/config/example-every-key.toml"
# A line longer than UrlSource::kMaxLineBytes (64 KiB), between short ones.
{
  printf 'https://example.com/first\nhttps://example.com/'
  head -c 70000 /dev/zero | tr '\0' a
  printf '\nhttps://example.com/after\n'
} >"$work/url_list/long-line"

max_len() {
  case "$1" in
    html | scanner) echo 12288 ;; # both ignore bigger inputs (the cost of deep nesting)
    url_list) echo 140000 ;; # room for lines past the 64 KiB limit
    *) echo 16384 ;;
  esac
}

run_target() {
  local t=$1
  local out=$work/$t.out
  local rc=0
  local begin=$SECONDS
  local limit=(-max_total_time="$seconds")
  ((seconds > 0)) || limit=(-runs=0)
  local dict=()
  [[ -f tests/fuzz/$t.dict ]] && dict=(-dict="tests/fuzz/$t.dict")
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:allocator_may_return_null=0 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$build_dir/tests/fuzz/fuzz_$t" "$work/$t" \
    "${limit[@]}" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048 \
    -max_len="$(max_len "$t")" -detect_leaks=1 -print_final_stats=1 "${dict[@]}" \
    -artifact_prefix="$artifacts/$t/" >"$out" 2>&1 || rc=$?
  local runs cov
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out" | tail -n 1)
  cov=$(grep -o 'cov: [0-9]*' "$out" | tail -n 1 | cut -d' ' -f2)
  if ((rc == 0)); then
    printf 'fuzz %-8s ok: %s runs, coverage %s, %d s\n' "$t" "${runs:-?}" "${cov:-?}" \
      $((SECONDS - begin))
    return 0
  fi
  local input
  input=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$out" | tail -n 1)
  printf 'fuzz %-8s FAILED (exit %d) after %d s; input: %s\n' "$t" "$rc" $((SECONDS - begin)) \
    "${input:-none saved}"
  {
    grep -A1 -m1 'property failed' "$out"
    grep -E -m6 'ERROR:|SUMMARY:|runtime error|Direct leak|ALARM|out-of-memory' "$out"
  } | cut -c1-300 | sed 's/^/    /' || true
  cp "$out" "$artifacts/$t/last-run.log"
  echo "    full log: $artifacts/$t/last-run.log"
  return 1
}

for t in "${targets[@]}"; do
  while (($(jobs -rp | wc -l) >= parallel)); do wait -n || true; done
  (run_target "$t" && echo ok >"$work/$t.status" || echo failed >"$work/$t.status") &
done
wait
failed=()
for t in "${targets[@]}"; do
  [[ $(cat "$work/$t.status" 2>/dev/null) == ok ]] || failed+=("$t")
done
echo "fuzz: $((SECONDS - start)) s in all"
if ((${#failed[@]})); then
  echo "fuzz: FAILED: ${failed[*]}" >&2
  exit 1
fi
