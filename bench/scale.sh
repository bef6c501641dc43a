#!/usr/bin/env bash
# forage scale benchmark: one crawl of a synthetic site to 10k, 100k and 1M pages.
#
# What it does
#   1. uses FORAGE_BIN, or builds forage Release into build-bench/ (as
#      bench/fetch.sh does; build/ is left alone);
#   2. serves a synthetic site with a private nginx on 127.0.0.1 and an
#      ephemeral port (everything under a mktemp directory, removed at exit).
#      No page is on disk: nginx makes page N from its URL, /p/N.html, with
#      `return 200 '...'`: a ~3.4 KB HTML page with title "Page N", a meta
#      description, paragraphs of filler text, a link home (/p/1.html) and
#      links to /p/N0.html ... /p/N9.html, its children in a 10-ary tree. So
#      the site is endless and every page reachable from /p/1.html (1, 10-19,
#      100-199, ...: the numbers that start with 1) is linked from exactly one
#      page, its parent, besides the home links;
#      /robots.txt is 404. Keep-alive (keepalive_requests 10M), no access log;
#   3. for each size N of SCALE_SIZES, crawls it from /p/1.html:
#        forage -q --depth 1000 --max-pages N -o OUT [FORAGE_ARGS] --url BASE/p/1.html
#      (forage's defaults otherwise: -j = CPU count, -c 16, --per-host 4),
#      measured by bench/measure.py, then checks that OUT holds exactly N
#      records, of N distinct URLs, all "ok": true;
#   4. prints a Markdown table and writes it to bench/out/scale.md, with the raw
#      runs as JSON lines in bench/out/scale.jsonl.
#
# What it reports, per size: pages; wall time; pages/s; CPU time (user+sys) of
# forage's whole process tree (master + fetchers); peak RSS and peak PSS of the
# tree (sampled every SCALE_INTERVAL); the master's own peak RSS (sampled) and VmHWM
# (the kernel's peak); each fetcher's RSS early in the run (at 10% of its wall
# time) and at its end (is it flat?); and, against the first size, the ratio
# of time per page (1.0 = linear growth) and the master's extra memory per
# extra page.
#
# How to run
#   bench/scale.sh                                   # 10k, 100k, 1M pages
#   SCALE_SIZES="10000 100000" bench/scale.sh
#   FORAGE_BIN=build/forage FORAGE_ARGS="-c 64 --per-host 64" bench/scale.sh
# Environment: SCALE_SIZES ("10000 100000 1000000"), SCALE_TIMEOUT (7200 s per
#   run), SCALE_INTERVAL (0.1 s between memory samples: measure.py's default of
#   20 ms costs a fifth of a core next to a 400 MB master, because reading its
#   smaps_rollup walks every page), FORAGE_BIN, FORAGE_ARGS (extra options,
#   split on blanks), TMPDIR (the 1M-page output takes about 1 GB there).
# Exit status: 0 if every run passed its check, 1 otherwise. Network: only 127.0.0.1.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)

sizes=${SCALE_SIZES:-10000 100000 1000000}
run_timeout=${SCALE_TIMEOUT:-7200}
interval=${SCALE_INTERVAL:-0.1}
read -r -a extra_args <<<"${FORAGE_ARGS:-}"
for arg in "$@"; do
  case "$arg" in
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "scale.sh: unknown argument '$arg' (try --help)" >&2; exit 2 ;;
  esac
done
for n in $sizes; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "scale.sh: SCALE_SIZES must hold positive integers" >&2; exit 2; }
done
[[ -n "${sizes// /}" ]] || { echo "scale.sh: SCALE_SIZES is empty" >&2; exit 2; }

log() { printf '[scale] %s\n' "$*" >&2; }
bin_stamp() { stat -c '%y' "$FORAGE_BIN" 2>/dev/null | cut -d. -f1; }

# --- 1. forage -------------------------------------------------------------------
built_here=0
if [[ -z "${FORAGE_BIN:-}" ]]; then
  built_here=1
  log "building forage (Release) into build-bench/"
  cmake -S "$repo" -B "$repo/build-bench" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$repo/build-bench" -j "$(nproc)" >/dev/null
  FORAGE_BIN=$repo/build-bench/forage
fi
[[ -x "$FORAGE_BIN" ]] || { echo "scale.sh: forage binary '$FORAGE_BIN' not found" >&2; exit 1; }
# What was run: the repository's commit now, and the binary's time stamp (to
# notice a binary rebuilt by someone else between two runs).
forage_rev=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)
git -C "$repo" diff --quiet HEAD -- src include CMakeLists.txt 2>/dev/null \
  || forage_rev="$forage_rev + uncommitted changes in src/include"
bin_built=$(bin_stamp)
started=$(date -u '+%Y-%m-%d %H:%M:%S UTC')
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
[[ -x "$nginx_bin" ]] || { echo "scale.sh: nginx not found (apt-get install nginx-light)" >&2; exit 1; }

# --- 2. temporary directory and nginx, cleaned up at exit -------------------------
# shellcheck source=bench/lib.sh
source "$here/lib.sh"
bench_tmpdir forage-scale

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
base="http://127.0.0.1:$port"
mkdir -p "$tmp/nginx-tmp" "$tmp/out"

# The page, as an nginx single-quoted string: $n is the page number (a named
# capture), ${n}0 its first child. No "$" or "'" may appear in the text itself.
cat >"$tmp/nginx.conf" <<EOF
worker_processes 2;
pid $tmp/nginx.pid;
error_log $tmp/nginx-error.log warn;
events {
    worker_connections 4096;
}
http {
    access_log off;
    gzip off;
    keepalive_requests 10000000;
    keepalive_timeout 65s;
    server_tokens off;
    default_type text/html;
    charset utf-8;
    client_body_temp_path $tmp/nginx-tmp/body;
    proxy_temp_path $tmp/nginx-tmp/proxy;
    fastcgi_temp_path $tmp/nginx-tmp/fastcgi;
    uwsgi_temp_path $tmp/nginx-tmp/uwsgi;
    scgi_temp_path $tmp/nginx-tmp/scgi;

    server {
        listen 127.0.0.1:$port backlog=4096;
        server_name localhost;
        location = /robots.txt {
            return 404;
        }
        location ~ "^/p/(?<n>[1-9][0-9]*)\.html\$" {
            return 200 '<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Page \$n</title>
<meta name="description" content="Page \$n of the synthetic forage scale site: a short article with a few paragraphs of text and links to ten more pages.">
<meta name="viewport" content="width=device-width, initial-scale=1">
</head>
<body>
<header><nav><a href="/p/1.html">Home</a> | <a href="/p/\${n}0.html">Next</a></nav></header>
<main>
<article>
<h1>Page \$n</h1>
<p class="lead">This is page number \$n of a site that has no end. Every page is written on the fly by the web server from its own address, so the site costs nothing to keep on disk, and a crawler can go as far into it as it likes.</p>
<p>The quick brown fox jumps over the lazy dog while the early bird catches the worm. A journey of a thousand miles begins with a single step, and a page of a thousand words begins with a single letter. Crawlers read pages like this one by the million: they fetch the page, find its title and its description, pull out every link, and put the new ones at the back of a long queue. Whether that queue fits in memory is exactly what this site is here to find out.</p>
<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat. Duis aute irure dolor in reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla pariatur. Excepteur sint occaecat cupidatat non proident, sunt in culpa qui officia deserunt mollit anim id est laborum.</p>
<h2>About page \$n</h2>
<p>Page \$n has ten children, numbered by adding one more digit to its own number, and one parent, found by taking the last digit away. The home page is page 1. Each page also links back home, so a crawler sees the home page again on every page it reads and must remember that it has been there already.</p>
<p>Sed ut perspiciatis unde omnis iste natus error sit voluptatem accusantium doloremque laudantium, totam rem aperiam, eaque ipsa quae ab illo inventore veritatis et quasi architecto beatae vitae dicta sunt explicabo. Nemo enim ipsam voluptatem quia voluptas sit aspernatur aut odit aut fugit, sed quia consequuntur magni dolores eos qui ratione voluptatem sequi nesciunt. Neque porro quisquam est, qui dolorem ipsum quia dolor sit amet.</p>
<p>At vero eos et accusamus et iusto odio dignissimos ducimus qui blanditiis praesentium voluptatum deleniti atque corrupti quos dolores et quas molestias excepturi sint occaecati cupiditate non provident, similique sunt in culpa qui officia deserunt mollitia animi, id est laborum et dolorum fuga. Et harum quidem rerum facilis est et expedita distinctio.</p>
<h2>Read more</h2>
<ul class="children">
<li><a href="/p/\${n}0.html">Page \${n}0</a></li>
<li><a href="/p/\${n}1.html">Page \${n}1</a></li>
<li><a href="/p/\${n}2.html">Page \${n}2</a></li>
<li><a href="/p/\${n}3.html">Page \${n}3</a></li>
<li><a href="/p/\${n}4.html">Page \${n}4</a></li>
<li><a href="/p/\${n}5.html">Page \${n}5</a></li>
<li><a href="/p/\${n}6.html">Page \${n}6</a></li>
<li><a href="/p/\${n}7.html">Page \${n}7</a></li>
<li><a href="/p/\${n}8.html">Page \${n}8</a></li>
<li><a href="/p/\${n}9.html">Page \${n}9</a></li>
</ul>
</article>
</main>
<footer><p>Synthetic page \$n. <a href="/p/1.html">Back to the home page</a>.</p></footer>
</body>
</html>
';
        }
        location / {
            return 404;
        }
    }
}
EOF
bench_start_nginx scale.sh "$base/p/1.html"
page_bytes=$(curl -s "$base/p/123.html" | wc -c)
log "nginx (pid $nginx_pid) serving on $base; page 123 is $page_bytes bytes"

# --- 3. the runs -------------------------------------------------------------------
results=$tmp/scale.jsonl
: >"$results"
failures=0
for n in $sizes; do
  out=$tmp/out/forage-$n.jsonl
  err=$tmp/out/forage-$n.err
  trace=$tmp/out/trace-$n.jsonl
  cmd=("$FORAGE_BIN" -q --depth 1000 --max-pages "$n" -o "$out" "${extra_args[@]}" --url "$base/p/1.html")
  log "crawling $n pages: ${cmd[*]}"
  m=$(python3 "$here/measure.py" --timeout "$run_timeout" --trace "$trace" --trace-interval 0.25 --interval "$interval" -- "${cmd[@]}" 2>"$err") || true
  [[ -n "$m" ]] || m='{"rc": 127, "timed_out": false, "wall_s": 0, "user_s": 0, "sys_s": 0, "cpu_s": 0, "peak_rss_kib": 0, "peak_pss_kib": 0, "root_peak_rss_kib": 0, "root_peak_hwm_kib": 0}'
  # Check the output, summarise the RSS trace, and append one JSON line.
  python3 - "$m" "$n" "$out" "$trace" "$err" >>"$results" <<'EOF'
import json, sys
m, n, out, trace, err = json.loads(sys.argv[1]), int(sys.argv[2]), *sys.argv[3:]

records, urls, ok, bad_lines = 0, set(), 0, 0
try:
    with open(out, encoding="utf-8", errors="replace") as f:
        for line in f:
            if not line.strip():
                continue
            records += 1
            try:
                r = json.loads(line)
                urls.add(r.get("url"))
                ok += r.get("ok") is True
            except (json.JSONDecodeError, AttributeError):
                bad_lines += 1
except OSError as e:
    bad_lines = -1
passed = records == n and len(urls) == n and ok == n and bad_lines == 0
detail = "" if passed else (f"{records} records for {n} pages: {len(urls)} distinct URLs, "
                            f"{ok} ok, {bad_lines} unreadable lines")

# The trace: one line a second, [pid, ppid, comm, rss_kib] per process.
points = []
try:
    with open(trace) as f:
        points = [json.loads(l) for l in f if l.strip()]
except OSError:
    pass
master, fetchers = [], {}
for p in points:
    for pid, ppid, comm, rss in p["procs"]:
        if comm == "forage":
            master.append((p["t"], rss))
        elif comm.startswith("forage-fetch"):
            fetchers.setdefault(pid, []).append((p["t"], rss))
wall = m.get("wall_s") or 0

def at(series, t):
    """RSS at the first point at or after time t (else the last one)."""
    for pt, rss in series:
        if pt >= t:
            return rss
    return series[-1][1] if series else 0

fetcher_rss = [{"pid": pid, "at_10pct_kib": at(s, 0.1 * wall), "at_50pct_kib": at(s, 0.5 * wall),
                "end_kib": s[-1][1], "max_kib": max(r for _, r in s), "points": len(s)}
               for pid, s in sorted(fetchers.items())]
step = max(1, len(master) // 60)   # keep about 60 points of the master's curve
m.update(pages=n, check={"pass": passed, "records": records, "distinct": len(urls), "ok": ok,
                         "detail": detail},
         fetcher_rss=fetcher_rss,
         master_rss_curve=[[t, r] for t, r in master[::step]] + ([list(master[-1])] if master else []))
try:
    with open(err, errors="replace") as f:
        m["stderr_tail"] = f.read()[-2000:]
except OSError:
    pass
print(json.dumps(m))
EOF
  verdict=$(python3 -c 'import json,sys; m = json.loads(sys.stdin.readlines()[-1]); c = m["check"]
print("ok" if c["pass"] and m["rc"] == 0 and not m["timed_out"] else
      "rc=%s timed_out=%s %s" % (m["rc"], m["timed_out"], c["detail"]))' <"$results")
  if [[ "$verdict" != ok ]]; then
    failures=$((failures + 1))
    {
      echo "!!! FAIL: $n pages: $verdict"
      echo "!!! command: ${cmd[*]}"
      echo "!!! last lines of its standard error:"
      tail -n 20 "$err" | sed 's/^/!!!   /'
    } >&2
  fi
  if [[ "$(bin_stamp)" != "$bin_built" ]]; then
    log "warning: $FORAGE_BIN changed during the runs (now $(bin_stamp), was $bin_built)"
    bin_built="$bin_built, CHANGED to $(bin_stamp) by the $n-page run"
  fi
  rm -f "$out"   # the 1M-page output is about a gigabyte
  sleep 1        # let the previous run's sockets settle
done

# --- 4. report ----------------------------------------------------------------------
cpu_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
mem_total=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
if ((built_here)); then
  forage_desc="commit $forage_rev, built into build-bench/ (Release)"
else
  forage_desc="FORAGE_BIN=$FORAGE_BIN ($("$FORAGE_BIN" --version 2>&1 | head -n 1 || true), built $bin_built); repository at commit $forage_rev when the runs began"
fi
mkdir -p "$here/out"
python3 - "$results" >"$tmp/scale.md" <<EOF
import json, sys
runs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
mib = lambda k: k / 1024
print("## forage scale benchmark: one crawl of a synthetic site")
print()
print("Machine: nproc=$(nproc), memory $mem_total, CPU: ${cpu_model:-unknown}; kernel $(uname -r); runs began $started.")
print("forage: $forage_desc.")
print("Command: \`forage -q --depth 1000 --max-pages N -o OUT ${FORAGE_ARGS:+$FORAGE_ARGS }--url BASE/p/1.html\`; site: pages of $page_bytes bytes made by nginx (2 workers, keep-alive) from the URL, 11 links each (10 children + home), on 127.0.0.1.")
print()
print("| pages | check | wall s | pages/s | CPU s | tree peak RSS MiB | tree peak PSS MiB | master peak RSS MiB | master VmHWM MiB | fetcher RSS MiB 10% -> end | time/page vs first | master extra KiB/page vs first |")
print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|")
first = runs[0] if runs else None
for r in runs:
    n, wall = r["pages"], r["wall_s"]
    c = r["check"]
    check = "ok" if c["pass"] and r["rc"] == 0 and not r["timed_out"] else \
        "**FAIL** rc=%s%s %s" % (r["rc"], " timed out" if r["timed_out"] else "", c["detail"])
    fetch = ", ".join("%.1f -> %.1f" % (mib(f["at_10pct_kib"]), mib(f["end_kib"])) for f in r.get("fetcher_rss", [])) or "-"
    ratio = (wall / n) / (first["wall_s"] / first["pages"]) if first["wall_s"] else 0
    if r is first:
        extra = "-"
    else:
        extra = "%.2f" % ((r["root_peak_hwm_kib"] - first["root_peak_hwm_kib"]) / (n - first["pages"]))
    print("| %d | %s | %.1f | %.0f | %.1f | %.1f | %.1f | %.1f | %.1f | %s | %.2f | %s |" % (
        n, check, wall, n / wall if wall else 0, r["cpu_s"], mib(r["peak_rss_kib"]), mib(r["peak_pss_kib"]),
        mib(r["root_peak_rss_kib"]), mib(r["root_peak_hwm_kib"]), fetch, ratio, extra))
print()
print("CPU = user+sys of forage's whole tree (master + fetchers), nginx not included; client and nginx share the $(nproc) cores.")
print("Tree peak RSS/PSS: highest sum over the tree, sampled every ${interval} s (bench/measure.py). Master peak RSS: sampled likewise; VmHWM: the kernel's peak for the master, read from /proc at the last sample.")
print("Fetcher RSS: each fetcher's RSS at 10% of the run's wall time and at its last sample (traced every 0.25 s). time/page vs first: (wall/pages) over that of the first size; 1.0 = linear. master extra KiB/page: (master VmHWM - first's) / (pages - first's pages).")
EOF
tee "$here/out/scale.md" <"$tmp/scale.md"
cp "$results" "$here/out/scale.jsonl"

if ((failures)); then
  echo "scale.sh: $failures run(s) FAILED their check" >&2
  exit 1
fi
