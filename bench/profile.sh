#!/usr/bin/env bash
# Where a page's time goes: profiles one forage crawl of a documentation site
# (the master and every fetcher) with perf and sorts the samples into stages:
# fetch, charset, the streaming scanner, link resolution, gumbo parse,
# extraction, result encoding, pipe, master, output (bench/profile_stages.py
# says which functions go where).
#
# Usage: bench/profile.sh [pg|py|cpp] [FORAGE OPTION...]
#   FORAGE_BIN=build-bench/forage bench/profile.sh cpp -c 8 --per-host 64
# Needs linux-perf (installed here if missing) and the site's package
# (scripts/install-deps.sh --bench). Prints a Markdown table; the raw profile
# stays in bench/out/perf-SITE.data for `perf report -i`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
site=${1:-pg}
shift || true
if ! command -v perf >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends linux-perf >&2
fi
if [[ -z "${FORAGE_BIN:-}" ]]; then
  cmake -S "$repo" -B "$repo/build-bench" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$repo/build-bench" -j "$(nproc)" >/dev/null
  FORAGE_BIN=$repo/build-bench/forage
fi
mkdir -p "$here/out"
/usr/bin/python3 - "$here" "$site" "$FORAGE_BIN" "$here/out/perf-$site.data" "$@" <<'EOF'
import os, shutil, subprocess, sys, tempfile
here, site, forage, data, extra = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
sys.path.insert(0, here)
import docs_bench
work = tempfile.mkdtemp(prefix="forage-profile.")
os.chmod(work, 0o755)
nginx = docs_bench.Nginx(work, [site])
try:
    out = os.path.join(work, "out.jsonl")
    argv = [forage, "-q", "--depth", "1000", "--include", docs_bench.HTML_RE, *extra,
            "-o", out, "--url", nginx.start_url(site)]
    # cpu-clock: CPU time in each sample's period (ns); dwarf: gumbo and the
    # system libraries have no frame pointers.
    subprocess.run(["perf", "record", "-q", "-e", "cpu-clock", "-F", "1000",
                    "--call-graph", "dwarf,16384", "-o", data, "--", *argv], check=False,
                   stdout=subprocess.DEVNULL)
    pages = sum(1 for _ in open(out))
    script = subprocess.Popen(["perf", "script", "-i", data, "-F", "comm,period,ip,sym,dso"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    print(f"{docs_bench.SITES[site][0]}: {pages} pages, `{' '.join(os.path.basename(a) if a == forage else a for a in argv[1:-2])}`\n")
    sys.stdout.flush()
    subprocess.run([sys.executable, os.path.join(here, "profile_stages.py"), str(pages)],
                   stdin=script.stdout, check=False)
    script.wait()
finally:
    nginx.stop()
    shutil.rmtree(work, ignore_errors=True)
EOF
