#!/usr/bin/env bash
# forage benchmark: forage vs curl vs wget2 fetching a list of URLs from a local static site.
#
# What it does
#   1. installs what is missing (scripts/install-deps.sh --bench: nginx-light,
#      wget2, curl, python3) and builds forage Release into build-bench/
#      (skipped when FORAGE_BIN points at a forage binary);
#   2. generates a deterministic BENCH_PAGES-page static site (bench/gen_site.py:
#      HTML pages of ~5-30 KB, each with a title, a meta description, paragraphs
#      and 20-50 links) in a temporary directory;
#   3. serves it with a private nginx (bench/nginx.conf.in: 2 workers, keep-alive,
#      gzip off, no access log) on 127.0.0.1 and an ephemeral port;
#   4. fetches every page with forage for -j 1,2,4 x -c 16,64, with
#      --full-parse (gumbo's tree for every page, no streaming scanner) at
#      -j 2,1 -c 64, with --state, then with curl (xargs -P 16, and
#      --parallel 16/64) and wget2 (16/64 threads), each
#      bounded by BENCH_TIMEOUT seconds and checked to have fetched every URL
#      exactly once with success (forage: "ok": true; curl/wget2: HTTP 200) and
#      to have received every body whole (body sizes add up to the site's size);
#   5. prints a Markdown table and the targets (bench/report.py: forage's best
#      pages/s against curl --parallel's best, CPU ms per page of each forage
#      row) and writes them to bench/out/results.md (raw runs in
#      bench/out/results.jsonl).
#
# What it measures, per run (bench/measure.py): wall time; pages/s; CPU time
# (user+sys) of the tool's whole process tree (forage and its forked fetchers;
# xargs and its curls), from wait4(); peak memory of the whole tree, sampled every
# 20 ms from /proc, as the sum of RSS and as the sum of PSS. nginx is not counted.
#
# How to run
#   bench/fetch.sh              # 5,000 pages, one round
#   bench/fetch.sh --quick      # 500 pages
#   BENCH_PAGES=2000 BENCH_REPEAT=3 bench/fetch.sh   # rows hold the median of 3 rounds
#   FORAGE_BIN=build/forage bench/fetch.sh           # use an existing binary
# Environment: BENCH_PAGES (5000), BENCH_REPEAT (1), BENCH_TIMEOUT (300 s per run),
#   FORAGE_BIN. Exit status: 0 if every run fetched every page, 1 otherwise.
# Network: only 127.0.0.1.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)

pages=${BENCH_PAGES:-5000}
repeat=${BENCH_REPEAT:-1}
run_timeout=${BENCH_TIMEOUT:-300}
for arg in "$@"; do
  case "$arg" in
    --quick) pages=500 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "fetch.sh: unknown argument '$arg' (try --help)" >&2; exit 2 ;;
  esac
done
[[ "$pages" =~ ^[1-9][0-9]*$ ]] || { echo "fetch.sh: BENCH_PAGES must be a positive integer" >&2; exit 2; }
[[ "$repeat" =~ ^[1-9][0-9]*$ ]] || { echo "fetch.sh: BENCH_REPEAT must be a positive integer" >&2; exit 2; }

log() { printf '[bench] %s\n' "$*" >&2; }

# --- 1. dependencies and forage --------------------------------------------
"$here/../scripts/install-deps.sh" --bench \
  || log "warning: install-deps.sh --bench failed; going on with what is installed"

built_here=0
if [[ -z "${FORAGE_BIN:-}" ]]; then
  built_here=1
  log "building forage (Release) into build-bench/"
  cmake -S "$repo" -B "$repo/build-bench" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$repo/build-bench" -j "$(nproc)" >/dev/null
  FORAGE_BIN=$repo/build-bench/forage
fi
[[ -x "$FORAGE_BIN" ]] || { echo "fetch.sh: forage binary '$FORAGE_BIN' not found" >&2; exit 1; }
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
[[ -x "$nginx_bin" ]] || { echo "fetch.sh: nginx not found" >&2; exit 1; }

# --- 2. temporary directory, cleaned up at exit ------------------------------
# shellcheck source=bench/lib.sh
source "$here/lib.sh"
bench_tmpdir forage-bench
# nginx's workers drop to user nobody when started as root: let them read the site.
chmod 755 "$tmp"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
base="http://127.0.0.1:$port"

log "generating $pages pages into $tmp"
python3 "$here/gen_site.py" --out "$tmp" --port "$port" --pages "$pages" >&2
urls=$tmp/urls.txt
site_bytes=$(find "$tmp/site/p" -type f -printf '%s\n' | awk '{ s += $1 } END { print s }')
# The same list in the forms curl wants: a config file, and "-o /dev/null URL" lines for xargs.
awk '{ printf "url = \"%s\"\noutput = \"/dev/null\"\n", $0 }' "$urls" >"$tmp/curl.cfg"
sed 's|^|-o /dev/null |' "$urls" >"$tmp/curl-xargs.txt"

# --- 3. nginx -----------------------------------------------------------------
mkdir -p "$tmp/nginx-tmp"
sed -e "s|@TMP@|$tmp|g" -e "s|@PORT@|$port|g" "$here/nginx.conf.in" >"$tmp/nginx.conf"
bench_start_nginx fetch.sh "$base/p/0.html"
log "nginx (pid $nginx_pid) serving on $base"

# Warm-up, not measured: nginx workers, page cache, loopback.
curl --no-progress-meter --parallel --parallel-max 16 -K "$tmp/curl.cfg" >/dev/null \
  || log "warning: warm-up pass reported errors"

# --- 4. the runs ----------------------------------------------------------------
mkdir -p "$tmp/out"
results=$tmp/results.jsonl
: >"$results"
failures=0

# run_case NAME TOOL KIND CHECK_FILE STDOUT_FILE -- CMD...
#   Runs CMD under measure.py, checks CHECK_FILE with check_output.py --kind KIND,
#   and appends one JSON line to $results.
run_case() {
  local name=$1 tool=$2 kind=$3 check_file=$4 stdout_file=$5
  shift 6
  local err=$tmp/out/run.err m check
  rm -f "$check_file"
  log "round $round/$repeat: $name"
  m=$(python3 "$here/measure.py" --timeout "$run_timeout" --stdout "$stdout_file" -- "$@" 2>"$err") || true
  if [[ -z "$m" ]]; then
    m='{"rc": 127, "timed_out": false, "wall_s": 0, "user_s": 0, "sys_s": 0, "cpu_s": 0, "peak_rss_kib": 0, "peak_pss_kib": 0, "max_procs": 0, "samples": 0, "orphans": 0, "sampler_cpu_s": 0}'
  fi
  check=$(python3 "$here/check_output.py" --kind "$kind" --urls "$urls" --bytes "$site_bytes" "$check_file")
  python3 - "$m" "$check" "$name" "$tool" "$round" "$pages" >>"$results" <<'EOF'
import json, sys
m, check = json.loads(sys.argv[1]), json.loads(sys.argv[2])
m.update(name=sys.argv[3], tool=sys.argv[4], round=int(sys.argv[5]), pages=int(sys.argv[6]), check=check)
print(json.dumps(m))
EOF
  local verdict
  verdict=$(python3 -c 'import json,sys; m=json.loads(sys.argv[1]); c=json.loads(sys.argv[2]);
ok = c["pass"] and m["rc"] == 0 and not m["timed_out"]
print("ok" if ok else "rc=%s timed_out=%s %s" % (m["rc"], m["timed_out"], c["detail"]))' "$m" "$check")
  if [[ "$verdict" != ok ]]; then
    failures=$((failures + 1))
    {
      echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
      echo "!!! FAIL: $name (round $round): $verdict"
      echo "!!! command: $*"
      echo "!!! last lines of its standard error:"
      tail -n 20 "$err" | sed 's/^/!!!   /'
      echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
    } >&2
  fi
  sleep 0.5   # let the previous run's sockets settle
}

have_curl=0; command -v curl >/dev/null && have_curl=1
have_wget2=0; command -v wget2 >/dev/null && have_wget2=1

run_round() {
  local j c out
  for j in 1 2 4; do
    for c in 16 64; do
      out=$tmp/out/forage-j$j-c$c.jsonl
      # The whole site is one host: lift the politeness cap (default 4 in
      # flight per host) so that -j and -c are what is measured.
      run_case "forage -j $j -c $c" forage forage "$out" /dev/null -- \
        "$FORAGE_BIN" -q -j "$j" -c "$c" --per-host 1000 -o "$out" "$urls"
    done
  done
  # The same without the streaming scanner: gumbo's tree for every page.
  for j in 2 1; do
    out=$tmp/out/forage-j$j-c64-full-parse.jsonl
    run_case "forage -j $j -c 64 --full-parse" forage forage "$out" /dev/null -- \
      "$FORAGE_BIN" -q -j "$j" -c 64 --per-host 1000 --full-parse -o "$out" "$urls"
  done
  # --state costs: a new pass each time (the state removed first), written
  # in batches beside a file output, or committed per record for a stream.
  out=$tmp/out/forage-state-file.jsonl
  run_case "forage -j 2 -c 64 --state, -o file" forage forage "$out" /dev/null -- \
    bash -c 'rm -f "$1"*; exec "${@:2}"' state "$tmp/state.db" \
    "$FORAGE_BIN" -q -j 2 -c 64 --per-host 1000 --state "$tmp/state.db" -o "$out" "$urls"
  out=$tmp/out/forage-state-stdout.jsonl
  run_case "forage -j 2 -c 64 --state, stdout" forage forage "$out" "$out" -- \
    bash -c 'rm -f "$1"*; exec "${@:2}"' state "$tmp/state.db" \
    "$FORAGE_BIN" -q -j 2 -c 64 --per-host 1000 --state "$tmp/state.db" "$urls"
  if ((have_curl)); then
    out=$tmp/out/curl-xargs.txt
    run_case "curl: xargs -P 16, 50 URLs/process" curl curl "$out" "$out" -- \
      xargs -a "$tmp/curl-xargs.txt" -P 16 -L 50 curl -s -w '%{http_code} %{size_download} %{url_effective}\n'
    for c in 16 64; do
      out=$tmp/out/curl-parallel-$c.txt
      run_case "curl --parallel --parallel-max $c" curl curl "$out" "$out" -- \
        curl --no-progress-meter --parallel --parallel-max "$c" -K "$tmp/curl.cfg" \
        -w '%{http_code} %{size_download} %{url_effective}\n'
    done
  fi
  if ((have_wget2)); then
    for c in 16 64; do
      out=$tmp/out/wget2-$c.csv
      run_case "wget2 --max-threads=$c" wget2 wget2 "$out" /dev/null -- \
        wget2 --no-config -q --max-threads="$c" -i "$urls" -O /dev/null --stats-site="csv:$out"
    done
  fi
}

# Rounds go through every configuration in turn, so slow drift hits all alike.
for ((round = 1; round <= repeat; round++)); do
  run_round
done

# --- 5. report ------------------------------------------------------------------
ver() { "$@" 2>&1 | head -n 1 | sed 's/ (.*//; s/ - .*//; s/^nginx version: //' || true; }
cpu_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
os_name=$(. /etc/os-release 2>/dev/null && echo "${PRETTY_NAME:-unknown}" || echo unknown)
if ((built_here)); then   # describe the tree we built: commit, and whether it had uncommitted edits
  forage_rev=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)
  git -C "$repo" diff --quiet HEAD -- src include CMakeLists.txt 2>/dev/null || forage_rev="$forage_rev+uncommitted changes"
else
  forage_rev="given as FORAGE_BIN, $("$FORAGE_BIN" --version 2>&1 | head -n 1 || true)"
fi
meta=(
  "## forage benchmark: $pages pages, $repeat round(s)"
  ""
  "Machine: nproc=$(nproc), kernel $(uname -r), $os_name, CPU: ${cpu_model:-unknown}; run $(date -u '+%Y-%m-%d %H:%M:%S UTC')."
  "Software: forage ($forage_rev; $FORAGE_BIN), $(ver "$nginx_bin" -v)$( ((have_curl)) && echo ", $(ver curl --version)")$( ((have_wget2)) && echo ", $(ver wget2 --version)")."
)
mean_kib=$(awk -v s="$site_bytes" -v n="$pages" 'BEGIN { printf "%.1f", s / 1024 / n }')
notes=(
  "Site: $pages static pages (mean ${mean_kib} KiB, 20-50 links each), nginx 2 workers, keep-alive, gzip off, on 127.0.0.1; one unmeasured curl warm-up pass first."
  "CPU = user+sys of the tool's whole process tree (forage + its forked fetchers; xargs + its curls), nginx not included. Client and nginx share the same $(nproc) cores."
  "Peak tree RSS = highest sum of RSS over the tree, sampled every 20 ms (shared pages, e.g. libraries and forage's shared-memory rings, count once per process); PSS splits shared pages between processes. procs = most processes seen at once."
  "forage parses every page (title, description, links; with its streaming scanner, or with gumbo's tree for every page in the --full-parse rows) and writes one JSON record per URL; curl and wget2 only download and discard the body. forage runs with --per-host 1000 (its default politeness cap is 4 transfers per host) and fetches robots.txt first."
  "Rows with BENCH_REPEAT > 1 hold the median of each metric over the rounds. ok = URLs fetched successfully (worst round)."
  "Scrapy: not run by this script (Debian packages it as python3-scrapy 2.8; a Scrapy comparison is future work)."
)
args=()
for l in "${meta[@]}"; do args+=(--meta "$l"); done
for l in "${notes[@]}"; do args+=(--note "$l"); done
if ((!have_curl)); then args+=(--note "curl: not installed - not run."); fi
if ((!have_wget2)); then args+=(--note "wget2: not installed - not run."); fi
if ((failures)); then args+=(--note "**$failures run(s) FAILED verification - see the FAIL messages above.**"); fi

mkdir -p "$here/out"
python3 "$here/report.py" "$results" "${args[@]}" | tee "$here/out/results.md"
cp "$results" "$here/out/results.jsonl"

if ((failures)); then
  echo "fetch.sh: $failures run(s) FAILED: not every page was fetched successfully" >&2
  exit 1
fi
