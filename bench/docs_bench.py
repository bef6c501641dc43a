#!/usr/bin/python3
"""forage against other crawlers on real documentation sites (driven by bench/run).

Usage: docs_bench.py --forage BIN --parse-only BIN --out DIR [--rounds N]
                     [--sites pg,py,cpp] [--tools NAME,...] [--best "-j 2 -c 16 ..."]
                     [--baseline NAME --baseline-forage BIN --baseline-parse-only BIN]

With --baseline, a second forage build (an earlier commit, NAME) runs beside
the first in every round as "forage @NAME", "forage best @NAME" and "parse
only (1 core) @NAME": a change's before and after in one run.

Serves each documentation site with a private nginx on 127.0.0.1 and crawls it
from its index, recursively, same host, HTML pages only, with every tool in
turn; the rounds go through all the tools one after another, so slow drift on
a shared machine hits them alike. Each run is measured as a whole process tree
by bench/measure.py (wall, CPU, peak RSS and PSS of the tree). The page set each
tool fetched is read back from its output (bench/pageset.py) and compared with
forage's. Writes DIR/docs.jsonl (one line per run), DIR/docs.md (the tables,
the page-set differences and the targets) and DIR/docs.dat (for the chart).

"HTML pages only": links whose path ends in .html, .htm or / (forage:
--include; the other tools: their own accept rule, see TOOLS below).
"""

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
PY = "/usr/bin/python3"  # Debian's interpreter: scrapy, requests and lxml are its packages
HTML_RE = r"(\.html?|/)(\?[^#]*)?$"

SITES = {
    "pg": ("postgresql-doc-15", "/usr/share/doc/postgresql-doc-15/html", "index.html"),
    "py": ("python3.11-doc", "/usr/share/doc/python3.11/html", "index.html"),
    "cpp": ("cppreference-doc-en-html", "/usr/share/cppreference/doc/html", "en/index.html"),
}


def log(msg):
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Nginx:
    """A private nginx: one server per site, each on its own port."""

    def __init__(self, tmp, sites):
        self.dir = os.path.join(tmp, "nginx")
        os.makedirs(os.path.join(self.dir, "tmp"), exist_ok=True)
        self.ports = {key: free_port() for key in sites}
        servers = "\n".join(
            f"    server {{ listen 127.0.0.1:{self.ports[k]} backlog=4096; root {SITES[k][1]}; }}"
            for k in sites)
        d = self.dir
        conf = f"""worker_processes 2;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    gzip off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    keepalive_timeout 65s;
    server_tokens off;
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path {d}/tmp/body;
    proxy_temp_path {d}/tmp/proxy;
    fastcgi_temp_path {d}/tmp/fastcgi;
    uwsgi_temp_path {d}/tmp/uwsgi;
    scgi_temp_path {d}/tmp/scgi;
{servers}
}}
"""
        with open(os.path.join(d, "nginx.conf"), "w") as f:
            f.write(conf)
        self.proc = subprocess.Popen(
            [shutil.which("nginx") or "/usr/sbin/nginx", "-e", f"{d}/error.log", "-c",
             f"{d}/nginx.conf", "-p", f"{d}/", "-g", "daemon off;"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for key in sites:
            url = self.start_url(key)
            for _ in range(100):
                try:
                    urllib.request.urlopen(url, timeout=1).read()
                    break
                except OSError:
                    if self.proc.poll() is not None:
                        sys.exit(f"docs_bench: nginx exited; see {d}/error.log")
                    time.sleep(0.1)
            else:
                sys.exit(f"docs_bench: nginx does not answer {url}")

    def base(self, key):
        return f"http://127.0.0.1:{self.ports[key]}/"

    def start_url(self, key):
        return self.base(key) + SITES[key][2]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


# Each tool: (name, pageset kind, builder). A builder gets (ctx, start URL,
# run directory) and returns (argv, output file read by pageset.py, stdout file
# or None). ctx holds the binaries, the site's URL list (for curl) and its
# file list (for parse-only).
def forage_cmd(extra, binary="forage"):
    def build(ctx, start, rundir):
        out = os.path.join(rundir, "out.jsonl")
        argv = [ctx[binary], "-q", "--depth", "1000", "--include", HTML_RE, *extra,
                "-o", out, "--url", start]
        return argv, out, None
    return build


def forage_archive_cmd(option):
    """forage keeping what it fetched: --warc (a set in the run directory) or --save DIR."""
    def build(ctx, start, rundir):
        target = os.path.join(rundir, "crawl.warc.gz" if option == "--warc" else "saved")
        argv, out, stdout = forage_cmd([option, target])(ctx, start, rundir)
        return argv, out, stdout
    return build


def wget_warc_cmd(ctx, start, rundir):
    # GNU wget 1.21 (one connection at a time) writing a WARC of what it
    # fetches; the page set is read back from the WARC (pageset.py "warc").
    argv = ["wget", "--no-config", "-q", "--recursive", "--level=inf", "-e", "robots=off",
            "--accept-regex", r"(\.html?|/)(\?[^#]*)?$", "--delete-after",
            "--warc-file=" + os.path.join(rundir, "wget"), "-P", os.path.join(rundir, "files"),
            start]
    return argv, rundir, None


def wget2_cmd(threads):
    # --filter-urls: without it wget2 sends a HEAD for each rejected URL;
    # (#.*)?: wget2 matches the regex against the URL with its fragment;
    # --delete-after: pages are parsed in memory and nothing is written.
    def build(ctx, start, rundir):
        stats = os.path.join(rundir, "stats.csv")
        argv = ["wget2", "--no-config", "-q", "--recursive", "--level=inf", "--robots=off",
                "--filter-urls", "--accept-regex", r"(\.html?|/)(\?[^#]*)?(#.*)?$",
                "--delete-after", "--stats-site=csv:" + stats, "-P", os.path.join(rundir, "files")]
        if threads:
            argv.append(f"--max-threads={threads}")
        return argv + [start], stats, None
    return build


def scrapy_cmd(ctx, start, rundir):
    out = os.path.join(rundir, "out.jsonl")
    argv = [PY, "-m", "scrapy", "runspider", os.path.join(HERE, "tools", "scrapy_spider.py"),
            "-a", "start=" + start, "-O", out, "-L", "WARNING"]
    return argv, out, None


def httrack_cmd(ctx, start, rundir):
    # Without --disable-security-limits, -%c0 (connections per second) and
    # -A0 (bandwidth), httrack throttles itself to a page a second or so.
    host = urllib.parse.urlsplit(start).netloc
    argv = ["httrack", start, "-O", os.path.join(rundir, "mirror"), "-q", "-r9999", "-%e0",
            "-s0", "--disable-security-limits", "-%c0", "-A0",
            "-*", f"+{host}/*.html", f"+{host}/*.htm", f"+{host}/*/"]
    # Its "Done." banner goes to standard output: kept out of measure.py's.
    return argv, os.path.join(rundir, "mirror"), os.path.join(rundir, "httrack.out")


def pool_cmd(procs):
    def build(ctx, start, rundir):
        out = os.path.join(rundir, "out.jsonl")
        argv = [PY, os.path.join(HERE, "tools", "pool_crawl.py"), start, "--procs", str(procs),
                "--out", out]
        return argv, out, None
    return build


def curl_cmd(ctx, start, rundir):
    out = os.path.join(rundir, "out.txt")
    argv = ["curl", "--no-progress-meter", "--parallel", "--parallel-max", "32", "-K",
            ctx["curl_cfg"], "-w", "%{http_code} %{url_effective}\\n"]
    return argv, out, out


def parse_only_cmd(binary="parse_only"):
    def build(ctx, start, rundir):
        out = os.path.join(rundir, "out.json")
        return [ctx[binary], ctx["file_list"], "--rounds", "1"], out, out
    return build


def tools(best, baseline=None):
    at = f" @{baseline}"
    extra = [
        ("forage" + at, "forage", forage_cmd([], "baseline_forage")),
        ("forage best" + at, "forage", forage_cmd(best.split(), "baseline_forage")),
        ("parse only (1 core)" + at, None, parse_only_cmd("baseline_parse_only")),
    ] if baseline else []
    return [
        ("forage", "forage", forage_cmd([])),
        ("forage best", "forage", forage_cmd(best.split())),
        # The same without the streaming scanner: gumbo's tree for every page.
        ("forage --full-parse", "forage", forage_cmd(["--full-parse"])),
        ("forage best --full-parse", "forage", forage_cmd(best.split() + ["--full-parse"])),
        ("forage --warc", "forage", forage_archive_cmd("--warc")),
        ("forage --save", "forage", forage_archive_cmd("--save")),
        ("wget2", "wget2", wget2_cmd(0)),
        ("wget2 16 threads", "wget2", wget2_cmd(16)),
        ("scrapy", "scrapy", scrapy_cmd),
        ("httrack", "httrack", httrack_cmd),
        ("Pool(8) requests+lxml", "pool", pool_cmd(8)),
        ("wget --warc-file", "warc", wget_warc_cmd),
        ("fetch only (curl)", "curl", curl_cmd),
        ("parse only (1 core)", None, parse_only_cmd()),
    ] + extra


def measure(argv, stdout, timeout):
    cmd = [PY, os.path.join(HERE, "measure.py"), "--timeout", str(timeout)]
    if stdout:
        cmd += ["--stdout", stdout]
    res = subprocess.run(cmd + ["--"] + argv, capture_output=True, text=True)
    try:
        return json.loads(res.stdout), res.stderr
    except json.JSONDecodeError:
        return {"rc": 127, "timed_out": False, "wall_s": 0, "cpu_s": 0, "peak_rss_kib": 0,
                "peak_pss_kib": 0}, res.stderr


def page_set(kind, output, base):
    if kind == "curl":  # curl -w "%{http_code} %{url_effective}" lines
        try:
            with open(output) as f:
                return sorted({l.split(" ", 1)[1].strip() for l in f if l.startswith("200 ")})
        except OSError:
            return []
    res = subprocess.run([PY, os.path.join(HERE, "pageset.py"), kind, output, "--base", base],
                         capture_output=True, text=True)
    if res.returncode != 0:
        log(f"pageset.py {kind} failed: {res.stderr.strip()[:300]}")
        return []
    return [u for u in res.stdout.split("\n") if u]


def prepare_site(ctx, key, nginx, work):
    """An unmeasured forage crawl gives the URL list (curl) and the file list (parse-only)."""
    name, root, _ = SITES[key]
    d = os.path.join(work, key, "prep")
    os.makedirs(d, exist_ok=True)
    argv, out, _ = forage_cmd([])(ctx, nginx.start_url(key), d)
    subprocess.run(argv, check=False)
    urls = page_set("forage", out, nginx.base(key))
    cfg = os.path.join(d, "curl.cfg")
    files = os.path.join(d, "files.txt")
    base = nginx.base(key)
    with open(cfg, "w") as c, open(files, "w") as fl:
        for u in urls:
            c.write(f'url = "{u}"\noutput = "/dev/null"\n')
            path = urllib.parse.unquote(urllib.parse.urlsplit(u).path).lstrip("/")
            f = os.path.join(root, path)
            if f.endswith("/") or os.path.isdir(f):
                f = os.path.join(f, "index.html")
            if os.path.isfile(f):
                fl.write(f"{u}\t{f}\n")
    return dict(ctx, curl_cfg=cfg, file_list=files), urls


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--forage", required=True)
    ap.add_argument("--parse-only", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--sites", default="pg,py,cpp")
    ap.add_argument("--tools", default="", help="comma-separated tool names (default: all)")
    ap.add_argument("--best", default="-j 2 -c 8 --per-host 64")
    ap.add_argument("--timeout", type=float, default=900)
    ap.add_argument("--baseline", help="name of a second forage build to run beside the first")
    ap.add_argument("--baseline-forage")
    ap.add_argument("--baseline-parse-only")
    a = ap.parse_args()

    sites = [s for s in a.sites.split(",") if s]
    for s in sites:
        if s not in SITES:
            sys.exit(f"docs_bench: unknown site '{s}' (pg, py, cpp)")
        if not os.path.isdir(SITES[s][1]):
            sys.exit(f"docs_bench: {SITES[s][1]} is missing (package {SITES[s][0]})")
    if a.baseline and not (a.baseline_forage and a.baseline_parse_only):
        sys.exit("docs_bench: --baseline needs --baseline-forage and --baseline-parse-only")
    chosen = tools(a.best, a.baseline)
    if a.tools:
        wanted = set(a.tools.split(","))
        if a.baseline:  # a chosen forage tool brings its baseline twin
            wanted |= {f"{t} @{a.baseline}" for t in wanted}
        chosen = [t for t in chosen if t[0] in wanted]

    os.makedirs(a.out, exist_ok=True)
    open(os.path.join(a.out, "docs.jsonl"), "w").close()
    work = tempfile.mkdtemp(prefix="forage-docs-bench.")
    os.chmod(work, 0o755)
    nginx = Nginx(work, sites)
    results = []
    try:
        ctx = {"forage": a.forage, "parse_only": a.parse_only,
               "baseline_forage": a.baseline_forage, "baseline_parse_only": a.baseline_parse_only}
        site_ctx, site_urls = {}, {}
        for key in sites:
            site_ctx[key], site_urls[key] = prepare_site(ctx, key, nginx, work)
            log(f"{SITES[key][0]}: {len(site_urls[key])} HTML pages at {nginx.start_url(key)}")
        for rnd in range(1, a.rounds + 1):
            for key in sites:
                for name, kind, build in chosen:
                    rundir = os.path.join(work, key, "run")
                    shutil.rmtree(rundir, ignore_errors=True)
                    os.makedirs(rundir)
                    argv, output, stdout = build(site_ctx[key], nginx.start_url(key), rundir)
                    log(f"round {rnd}/{a.rounds}: {SITES[key][0]}: {name}")
                    m, err = measure(argv, stdout, a.timeout)
                    if name.startswith("wget") and m.get("rc") == 8:
                        m["rc"] = 0  # 8: the server answered some request with an error (a 404)
                    shown = [x.replace(nginx.start_url(key), "START").replace(rundir, "RUN")
                             .replace(os.path.join(work, key, "prep"), "PREP") for x in argv]
                    r = dict(m, site=key, tool=name, round=rnd, argv=shown)
                    if kind is None:  # parse-only reports its own time for the work alone
                        try:
                            with open(output) as f:
                                r["parse"] = json.loads(f.read())
                            r["pages_found"] = r["parse"]["pages"]
                        except (OSError, ValueError, KeyError):
                            r["pages_found"] = 0
                    else:
                        found = page_set(kind, output, nginx.base(key))
                        r["pages_found"] = len(found)
                        if rnd == 1:  # the page sets, for the comparison
                            with open(os.path.join(a.out, f"pages-{key}-{slug(name)}.txt"), "w") as f:
                                f.write("\n".join(found) + "\n")
                    if m.get("rc") not in (0, 1) or m.get("timed_out"):
                        log(f"  FAILED: rc={m.get('rc')} timed_out={m.get('timed_out')}: "
                            f"{err.strip()[-300:]}")
                    results.append(r)
                    with open(os.path.join(a.out, "docs.jsonl"), "a") as f:
                        f.write(json.dumps(r) + "\n")
                    shutil.rmtree(rundir, ignore_errors=True)
                    time.sleep(0.5)  # let the previous run's sockets settle
    finally:
        nginx.stop()
        shutil.rmtree(work, ignore_errors=True)


def slug(name):
    return "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")


if __name__ == "__main__":
    main()
