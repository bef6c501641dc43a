#!/usr/bin/env bash
# forage cluster benchmark: 1, 2, 3, 4 nodes sharing one crawl through Redis
# (--frontier), against one forage with the local frontier at equal slots.
#
# What it does
#   1. uses FORAGE_BIN, or builds forage Release into build-bench/;
#   2. starts bench/slow_server.py on 127.0.0.1 (an ephemeral port): every
#      request answered after a fixed 200 ms wait, on almost no CPU, under 64
#      host names h0.bench ... h63.bench (forage sends them all to it with
#      --resolve). The site: pages 0 .. N-1 (12,000), page k on host k % 64,
#      linking to its 8 children 8k+1 .. 8k+8 (a tree: every page reachable
#      from page 0), its parent, the root and two other pages; robots.txt is
#      a 404 (after the same wait);
#   3. starts a private redis-server on 127.0.0.1 (ephemeral port, no RDB, no
#      AOF), removed at exit;
#   4. for N in 1 2 3 4: N nodes, each `forage --frontier redis://... --crawl-id
#      FRESH --node-id nI -j 1 -c 24 --per-host 2 --scope any --depth 1000`,
#      started together, node n0 given the root URL and the others no input;
#      then the same crawl by one `forage -j N -c 24` with the local frontier
#      (the same number of transfer slots). Last, 4 nodes and -j 4 at -c 48,
#      past the politeness ceiling. Every run is checked: each of the N pages
#      recorded once and ok (the union of the nodes' outputs), `forage
#      frontier status` agreeing, and never more than --per-host requests
#      waiting at once on one host at the server;
#   5. prints Markdown tables, writes them to bench/out/cluster.md and the raw
#      runs to bench/out/cluster.jsonl.
#
# What it reports, per run: wall time from the first node's start to the last
# one's exit; pages/s over it, and "steady" over the middle 80% of the
# requests (by the records' fetched_at: start-up and tail left out); the ideal
# min(slots, 64 x 2) / 0.2 s; CPU per page of the nodes (user+sys of every
# forage process and the fetchers it reaped: wait4's rusage), of Redis (INFO
# cpu used_cpu_sys + used_cpu_user, before and after) and of the server
# (/proc); how late the server's answers went out past 200 ms (its 99th
# percentile: does it keep up?) and how many connections it accepted per
# request. For the shared runs, where Redis's CPU goes (INFO commandstats,
# reset before each run): script calls per page, microseconds per script
# call, the scripts' share of Redis's CPU and the share of the commands they
# call in the scripts' time. Then, per slot count, shared / local for pages/s
# and for CPU per page (nodes + Redis against the local forage), and how many
# pages/s one Redis core would carry at the Redis CPU per page measured.
#
# How to run
#   bench/cluster.sh                       # about 10 minutes
#   bench/cluster.sh --rounds 3            # medians of 3 rounds: about 25 minutes
#   bench/cluster.sh --pages 6000 --nodes 1,4 -c 16 --past-ceiling-c 0
#   FORAGE_BIN=build-bench/forage bench/cluster.sh
# Options go to bench/cluster_bench.py: --pages, --hosts, --degree, --wait-ms,
# --per-host, -c, --nodes, --past-ceiling-c, --rounds.
# Exit status: 0 if every run passed its check, 1 otherwise, 2 on bad usage.
# Network: only 127.0.0.1.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
for arg in "$@"; do
  case "$arg" in
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
  esac
done

"$repo/scripts/install-deps.sh" --bench
if [[ -z "${FORAGE_BIN:-}" ]]; then
  echo "[cluster] building forage (Release) into build-bench/" >&2
  cmake -S "$repo" -B "$repo/build-bench" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$repo/build-bench" --target forage -j "$(nproc)" >/dev/null
  FORAGE_BIN=$repo/build-bench/forage
fi
[[ -x "$FORAGE_BIN" ]] || { echo "cluster.sh: no forage at $FORAGE_BIN" >&2; exit 1; }

rev=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)
git -C "$repo" diff --quiet HEAD -- src include 2>/dev/null || rev="$rev+uncommitted changes"
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
mkdir -p "$here/out"
rm -f "$here/out/cluster.jsonl"
exec /usr/bin/python3 "$here/cluster_bench.py" --forage "$FORAGE_BIN" --out "$here/out" \
  --meta "## forage cluster benchmark: nodes sharing a crawl through Redis" \
  --meta "" \
  --meta "Run $(date -u '+%Y-%m-%d %H:%M UTC') at forage $rev. Machine: $(nproc) cores (${cpu:-unknown CPU}); $(redis-server --version | cut -d' ' -f1-3 | sed 's/v=//'); server, Redis and nodes on the same cores." \
  "$@"
