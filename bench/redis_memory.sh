#!/usr/bin/env bash
# What a shared crawl (--frontier) keeps in Redis per URL, and how fast URLs
# are admitted (issue 17, point 6: the seen set at most 16 bytes a URL at 10
# million).
#
# What it does: builds forage's library Release into build-bench/ and
# bench/redis_memory.cc against it, starts a private redis-server on
# 127.0.0.1 (ephemeral port, no RDB, no AOF, default config otherwise), and
# for each N (default 1,000,000 and 10,000,000) on an emptied Redis:
# creates a RedisFrontier (depth 1000, --scope any, robots.txt off) and
# admits N distinct URLs through RedisFrontier::AdmitLinks, 100 a call (one
# page's links, 70% to the page's own host, the rest anywhere among 10,000
# hosts; URLs of about 107 bytes, paths of 60 to 90), then reads used_memory
# (INFO memory) with all N waiting in the queues; deletes the queue keys
# (q:*, qs, ready, h:*) and reads it again: the seen set alone. Bytes are
# over the empty Redis's used_memory. Also reported: MEMORY USAGE summed over
# the seen set's buckets (s:*) and the queues (q:*), how many buckets are not
# intsets, the largest bucket, the admission rate (wall clock) and the CPU
# per URL in Redis (INFO cpu) and in the admitting process.
#
# How to run
#   bench/redis_memory.sh                      # 1M and 10M: about 5 minutes, ~3 GB in Redis
#   bench/redis_memory.sh 100000 1000000       # other sizes
#   REDIS_MEMORY_ARGS="--batch 20 --hosts 1000" bench/redis_memory.sh
# Prints a Markdown table; writes it to bench/out/redis_memory.md too.
# Exit status: 0, or 1 if a run failed. Network: only 127.0.0.1.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
sizes=()
for arg in "$@"; do
  case "$arg" in
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) [[ "$arg" =~ ^[1-9][0-9]*$ ]] || { echo "redis_memory.sh: sizes are positive integers" >&2; exit 2; }
       sizes+=("$arg") ;;
  esac
done
((${#sizes[@]})) || sizes=(1000000 10000000)
read -r -a extra <<<"${REDIS_MEMORY_ARGS:-}"

"$repo/scripts/install-deps.sh" --bench
cmake -S "$repo" -B "$repo/build-bench" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$repo/build-bench" --target forage_lib -j "$(nproc)" >/dev/null
tmp=$(mktemp -d -t forage-redis-memory.XXXXXX)
redis_pid=""
cleanup() {
  if [[ -n "$redis_pid" ]]; then kill "$redis_pid" 2>/dev/null || true; wait "$redis_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
g++ -std=c++20 -O2 -I"$repo/src" -I"$repo/include" -I"$repo/build-bench/include" \
  "$here/redis_memory.cc" "$repo/build-bench/libforage.a" \
  $(pkg-config --libs libcurl gumbo libpsl libidn2 re2 hiredis zlib libcrypto) -o "$tmp/redis_memory"

# A port the kernel just handed out; another process may take it first, so try a few.
for _ in 1 2 3 4 5; do
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$tmp" \
    --logfile "$tmp/redis.log" </dev/null &
  redis_pid=$!
  for _ in $(seq 50); do
    [[ "$(redis-cli -p "$port" PING 2>/dev/null)" == PONG ]] && break 2
    kill -0 "$redis_pid" 2>/dev/null || break
    sleep 0.1
  done
  kill "$redis_pid" 2>/dev/null || true; wait "$redis_pid" 2>/dev/null || true; redis_pid=""
done
[[ -n "$redis_pid" ]] || { echo "redis_memory.sh: redis-server did not start" >&2; cat "$tmp/redis.log" >&2; exit 1; }

mkdir -p "$here/out"
{
  echo "## Redis memory per URL of a shared crawl"
  echo
  echo "Run $(date -u '+%Y-%m-%d %H:%M UTC') at forage $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown); $(redis-server --version | cut -d' ' -f1-3 | sed 's/v=//'), $(redis-cli -p "$port" CONFIG GET set-max-intset-entries | tr '\n' ' ')."
  echo
  "$tmp/redis_memory" "redis://127.0.0.1:$port" "${sizes[@]}" "${extra[@]}"
} | tee "$here/out/redis_memory.md"
