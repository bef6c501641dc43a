#!/usr/bin/env python3
"""Several forage nodes sharing one crawl through Redis, against one local crawl.

Run by bench/cluster.sh (see its header for what is measured and why); python3
stdlib only. Starts bench/slow_server.py (every answer after a fixed wait, 64
host names) and a private redis-server (loopback, no persistence), then for
each node count N runs:

  shared: N forage processes, -j 1 -c C each, --frontier redis://... with a
          fresh --crawl-id; the first is given the root URL, the others no input;
  local:  one forage, -j N -c C (the same number of transfer slots), no --frontier.

Both crawl the whole site (--scope any --depth 1000 --per-host P). Each run is
checked: every page recorded once, all of them ok, and no host ever had more
than P requests waiting at the server. Prints Markdown tables and writes them
to OUT/cluster.md, the raw runs to OUT/cluster.jsonl.
"""

import argparse
import datetime
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_cpu_s(pid):
    """User + system CPU seconds of a live process, from /proc."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_rusage(procs):
    """Waits for every process; returns (exit codes, CPU s of each process and
    the descendants it reaped: forage reaps its fetchers)."""
    codes, cpu = [], []
    for p in procs:
        _, status, ru = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        codes.append(p.returncode)
        cpu.append(ru.ru_utime + ru.ru_stime)
    return codes, cpu


class Redis:
    def __init__(self, server_bin, cli_bin, workdir):
        self.cli = cli_bin
        for _ in range(5):
            self.port = free_port()
            self.proc = subprocess.Popen(
                [server_bin, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                 "--appendonly", "no", "--dir", workdir, "--daemonize", "no",
                 "--logfile", os.path.join(workdir, "redis.log")],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for _ in range(100):
                if self.proc.poll() is not None:
                    break
                try:
                    if self.command("PING").strip() == "PONG":
                        return
                except subprocess.CalledProcessError:
                    pass
                time.sleep(0.05)
            self.stop()
        sys.exit("cluster_bench: redis-server did not start (see its log in " + workdir + ")")

    def command(self, *args):
        return subprocess.run([self.cli, "-p", str(self.port), *args], check=True,
                              capture_output=True, text=True, timeout=30).stdout

    def info(self, section):
        out = {}
        for line in self.command("INFO", section).splitlines():
            if ":" in line:
                k, v = line.split(":", 1)
                out[k] = v.strip()
        return out

    def command_stats(self):
        """Command -> (calls, usec) since the last CONFIG RESETSTAT."""
        out = {}
        for k, v in self.info("commandstats").items():
            f = dict(kv.split("=", 1) for kv in v.split(","))
            out[k.removeprefix("cmdstat_")] = (int(f["calls"]), int(f["usec"]))
        return out

    def cpu_s(self):
        i = self.info("cpu")
        return float(i["used_cpu_sys"]) + float(i["used_cpu_user"])

    def url(self):
        return f"redis://127.0.0.1:{self.port}"

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)


class SlowServer:
    def __init__(self, pages, hosts, degree, wait_ms):
        self.proc = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "slow_server.py"), "--pages", str(pages),
             "--hosts", str(hosts), "--degree", str(degree), "--wait-ms", str(wait_ms)],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline().split()
        if len(line) != 2 or line[0] != "port":
            sys.exit("cluster_bench: slow_server.py did not start")
        self.port = int(line[1])
        self.hosts = hosts

    def stats(self, reset=False):
        import urllib.request
        url = f"http://127.0.0.1:{self.port}/__stats" + ("?reset=1" if reset else "")
        with urllib.request.urlopen(url, timeout=10) as r:
            return json.load(r)

    def resolve_args(self):
        args = []
        for h in range(self.hosts):
            args += ["--resolve", f"h{h}.bench:{self.port}:127.0.0.1"]
        return args

    def root(self):
        return f"http://h0.bench:{self.port}/p/0"

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)


def read_records(files):
    """URL -> count, pages ok, sorted request times (Unix ms) of the ok ones."""
    seen, ok, times = {}, 0, []
    for f in files:
        with open(f) as fh:
            for line in fh:
                r = json.loads(line)
                seen[r["url"]] = seen.get(r["url"], 0) + 1
                if r.get("ok") and r.get("status") == 200:
                    ok += 1
                    if r.get("fetched_at"):
                        t = datetime.datetime.fromisoformat(r["fetched_at"].replace("Z", "+00:00"))
                        times.append(t.timestamp() * 1000)
    times.sort()
    return seen, ok, times


def steady_rate(times):
    """Pages/s over the middle 80% of the requests (start-up and tail left out)."""
    if len(times) < 20:
        return 0.0
    a, b = times[len(times) // 10], times[len(times) * 9 // 10]
    return (len(times) * 9 // 10 - len(times) // 10) / max((b - a) / 1000, 1e-3)


def run(kind, nodes, c, args, server, redis, workdir, seq):
    """One crawl: `nodes` processes sharing a crawl (kind 'shared') or one
    forage with -j nodes (kind 'local'). Returns the measured row."""
    rundir = os.path.join(workdir, f"run{seq}")
    os.makedirs(rundir)
    common = ["-q", "-c", str(c), "--per-host", str(args.per_host), "--scope", "any",
              "--depth", "1000"] + server.resolve_args()
    cmds = []
    if kind == "shared":
        crawl = f"bench{seq}-{os.getpid()}"
        for n in range(nodes):
            cmd = [args.forage, "--frontier", redis.url(), "--crawl-id", crawl,
                   "--node-id", f"n{n}", "-j", "1", "-o", os.path.join(rundir, f"n{n}.jsonl")]
            cmd += common + (["--url", server.root()] if n == 0 else [])
            cmds.append(cmd)
    else:
        cmds.append([args.forage, "-j", str(nodes), "-o", os.path.join(rundir, "local.jsonl"),
                     *common, "--url", server.root()])
    server.stats(reset=True)
    redis.command("CONFIG", "RESETSTAT")
    redis_before = redis.cpu_s()
    server_before = proc_cpu_s(server.proc.pid)
    errs = [open(os.path.join(rundir, f"err{i}.txt"), "w") for i in range(len(cmds))]
    start = time.monotonic()
    procs = [subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=errs[i]) for i, cmd in enumerate(cmds)]
    codes, cpu = wait_rusage(procs)
    wall = time.monotonic() - start
    server_cpu = proc_cpu_s(server.proc.pid) - server_before
    redis_cpu = redis.cpu_s() - redis_before
    cmdstats = redis.command_stats()
    for e in errs:
        e.close()
    sstats = server.stats()
    files = [os.path.join(rundir, f) for f in sorted(os.listdir(rundir)) if f.endswith(".jsonl")]
    seen, ok, times = read_records(files)
    twice = sum(1 for v in seen.values() if v > 1)
    problems = []
    if any(codes):
        problems.append(f"exit codes {codes}")
    if len(seen) != args.pages or ok != args.pages:
        problems.append(f"{len(seen)} URLs recorded, {ok} ok, of {args.pages}")
    if twice:
        problems.append(f"{twice} URLs recorded twice")
    if sstats["max_waiting_per_host"] > args.per_host:
        problems.append(f"{sstats['max_waiting_per_host']} requests at once on one host")
    status = None
    if kind == "shared":
        status = json.loads(subprocess.run(
            [args.forage, "frontier", "status", "--frontier", redis.url(), "--crawl-id", crawl,
             "--json"], check=True, capture_output=True, text=True, timeout=60).stdout)
        if status["admitted"] != args.pages or status["done"] != args.pages or status["leased"]:
            problems.append(f"frontier status: admitted {status['admitted']}, "
                            f"done {status['done']}, leased {status['leased']}")
        subprocess.run([args.forage, "frontier", "delete", "--frontier", redis.url(),
                        "--crawl-id", crawl], check=True, capture_output=True, timeout=60)
    for f in files:
        os.remove(f)  # keep the temporary directory small
    slots = nodes * c
    row = {
        "kind": kind, "nodes": nodes, "c": c, "slots": slots, "pages": ok, "wall_s": wall,
        "pages_per_s": ok / wall, "steady_pages_per_s": steady_rate(times),
        "ideal_pages_per_s": min(slots, args.hosts * args.per_host) / (args.wait_ms / 1000),
        "node_cpu_s": sum(cpu), "node_cpu_each_s": cpu, "redis_cpu_s": redis_cpu,
        "server_cpu_s": server_cpu, "server": sstats, "codes": codes,
        "redis_commands": cmdstats,
        "check": "; ".join(problems) or "ok",
    }
    if problems:
        row["stderr"] = [open(os.path.join(rundir, f"err{i}.txt")).read()[-2000:]
                         for i in range(len(cmds))]
    return row


def median_row(rows):
    out = dict(rows[0])
    for k in ("wall_s", "pages_per_s", "steady_pages_per_s", "node_cpu_s", "redis_cpu_s",
              "server_cpu_s"):
        out[k] = statistics.median(r[k] for r in rows)
    out["pages"] = rows[0]["pages"]
    out["check"] = "; ".join(sorted({r["check"] for r in rows}))
    out["late_p99"] = max(r["server"]["late_ms_p99"] for r in rows)
    out["max_host"] = max(r["server"]["max_waiting_per_host"] for r in rows)
    out["scripts_per_page"] = statistics.median(
        r["redis_commands"].get("evalsha", (0, 0))[0] / r["pages"] for r in rows)
    out["us_per_script"] = statistics.median(
        r["redis_commands"].get("evalsha", (0, 0))[1] / max(r["redis_commands"].get("evalsha", (1, 0))[0], 1)
        for r in rows)
    out["script_share"] = statistics.median(
        r["redis_commands"].get("evalsha", (0, 0))[1] / 1e6 / max(r["redis_cpu_s"], 1e-9) for r in rows)
    out["inner_share"] = statistics.median(
        sum(u for k, (c, u) in r["redis_commands"].items()
            if k != "evalsha" and not k.startswith(("info", "config", "script")))
        / max(r["redis_commands"].get("evalsha", (0, 1))[1], 1) for r in rows)
    out["conn_per_req"] = statistics.median(
        r["server"]["connections"] / max(r["server"]["requests"], 1) for r in rows)
    return out


def ms_per_page(cpu_s, pages):
    return 1000 * cpu_s / pages if pages else float("nan")


def report(rows, args, meta):
    lines = meta + [""]
    lines.append("| frontier | processes | -c | slots | pages | wall s | pages/s | steady pages/s "
                 "| ideal pages/s | nodes CPU ms/page | Redis CPU ms/page | server CPU ms/page "
                 "| server late p99 ms | connections / request | max per host | check |")
    lines.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in rows:
        who = (f"{r['nodes']} node{'s' if r['nodes'] > 1 else ''} x -j 1" if r["kind"] == "shared"
               else f"1 x -j {r['nodes']}")
        redis_ms = (f"{ms_per_page(r['redis_cpu_s'], r['pages']):.3f}"
                    if r["kind"] == "shared" else "-")
        lines.append(
            f"| {'Redis' if r['kind'] == 'shared' else 'local'} | {who} | {r['c']} | {r['slots']} "
            f"| {r['pages']:,} | {r['wall_s']:.1f} | {r['pages_per_s']:.0f} "
            f"| {r['steady_pages_per_s']:.0f} | {r['ideal_pages_per_s']:.0f} "
            f"| {ms_per_page(r['node_cpu_s'], r['pages']):.3f} | {redis_ms} "
            f"| {ms_per_page(r['server_cpu_s'], r['pages']):.3f} | {r['late_p99']:.1f} "
            f"| {r['conn_per_req']:.2f} | {r['max_host']} | {r['check']} |")
    lines += ["", "Where Redis's CPU goes (INFO commandstats: EVALSHA's time is the scripts' "
              "run time, their redis.call()s included; the rest of Redis's CPU is reading, "
              "parsing and answering; the commands' share is the time of every other command "
              "over EVALSHA's, nearly all of them called by the scripts: the rest is Lua "
              "and the cost of each redis.call() around the command):",
              "",
              "| processes | -c | Redis CPU ms/page | script calls/page | us per script call "
              "| scripts' share of Redis CPU | commands' share of the scripts' time |",
              "|---|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        if r["kind"] == "shared":
            lines.append(f"| {r['nodes']} x -j 1 | {r['c']} "
                         f"| {ms_per_page(r['redis_cpu_s'], r['pages']):.3f} "
                         f"| {r['scripts_per_page']:.2f} | {r['us_per_script']:.0f} "
                         f"| {100 * r['script_share']:.0f}% | {100 * r['inner_share']:.0f}% |")
    lines += ["", "Shared frontier against local, at equal slots:", "",
              "| slots | pages/s shared / local | CPU per page shared (nodes + Redis) / local "
              "| Redis CPU ms/page | pages/s one Redis core would carry |",
              "|---:|---:|---:|---:|---:|"]
    best = None
    for r in rows:
        if r["kind"] != "shared":
            continue
        local = next((l for l in rows if l["kind"] == "local" and l["slots"] == r["slots"]), None)
        if not local:
            continue
        redis_ms = ms_per_page(r["redis_cpu_s"], r["pages"])
        shared_cpu = ms_per_page(r["node_cpu_s"] + r["redis_cpu_s"], r["pages"])
        local_cpu = ms_per_page(local["node_cpu_s"], local["pages"])
        lines.append(f"| {r['slots']} | {r['pages_per_s'] / local['pages_per_s']:.2f} "
                     f"| {shared_cpu / local_cpu:.2f} | {redis_ms:.3f} | {1000 / redis_ms:,.0f} |")
        if best is None or r["pages_per_s"] > best["pages_per_s"]:
            best = r
    if best:
        redis_ms = ms_per_page(best["redis_cpu_s"], best["pages"])
        lines += ["", f"At the highest rate ({best['nodes']} node(s) at -c {best['c']}, "
                  f"{best['pages_per_s']:.0f} "
                  f"pages/s), Redis spent {redis_ms:.3f} ms of CPU a page: one Redis core "
                  f"would carry about {1000 / redis_ms:,.0f} pages/s of this crawl."]
    lines += ["", f"Politeness ceiling: {args.hosts} hosts x --per-host {args.per_host} / "
              f"{args.wait_ms / 1000:g} s = {args.hosts * args.per_host / (args.wait_ms / 1000):.0f} "
              "pages/s. ideal = min(slots, hosts x per-host) / wait."]
    return "\n".join(lines) + "\n"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--forage", required=True)
    p.add_argument("--redis-server", default="redis-server")
    p.add_argument("--redis-cli", default="redis-cli")
    p.add_argument("--pages", type=int, default=12000)
    p.add_argument("--hosts", type=int, default=64)
    p.add_argument("--degree", type=int, default=8)
    p.add_argument("--wait-ms", type=float, default=200)
    p.add_argument("--per-host", type=int, default=2)
    p.add_argument("-c", type=int, default=24)
    p.add_argument("--nodes", default="1,2,3,4")
    p.add_argument("--past-ceiling-c", type=int, default=48,
                   help="also run the largest node count at this -c (0: no)")
    p.add_argument("--rounds", type=int, default=1)
    p.add_argument("--out", required=True)
    p.add_argument("--meta", action="append", default=[])
    args = p.parse_args()
    counts = [int(n) for n in args.nodes.split(",")]
    plan = []
    for n in counts:
        plan += [("shared", n, args.c), ("local", n, args.c)]
    if args.past_ceiling_c:
        plan += [("shared", max(counts), args.past_ceiling_c),
                 ("local", max(counts), args.past_ceiling_c)]
    os.makedirs(args.out, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="forage-cluster.") as workdir:
        server = SlowServer(args.pages, args.hosts, args.degree, args.wait_ms)
        redis = Redis(args.redis_server, args.redis_cli, workdir)
        results = {key: [] for key in plan}
        seq = 0
        try:
            for rnd in range(args.rounds):
                for key in plan:
                    seq += 1
                    kind, n, c = key
                    print(f"[cluster] round {rnd + 1}: {kind}, {n} x -c {c}", file=sys.stderr,
                          flush=True)
                    row = run(kind, n, c, args, server, redis, workdir, seq)
                    print(f"[cluster]   {row['pages']} pages in {row['wall_s']:.1f} s "
                          f"({row['pages_per_s']:.0f}/s), {row['check']}", file=sys.stderr,
                          flush=True)
                    results[key].append(row)
                    with open(os.path.join(args.out, "cluster.jsonl"), "a") as f:
                        f.write(json.dumps(row) + "\n")
        finally:
            redis.stop()
            server.stop()
    rows = [median_row(results[key]) for key in plan]
    text = report(rows, args, args.meta)
    with open(os.path.join(args.out, "cluster.md"), "w") as f:
        f.write(text)
    print(text)
    return 0 if all(r["check"] == "ok" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
