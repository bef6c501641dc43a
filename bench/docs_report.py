#!/usr/bin/python3
"""Tables, page-set differences, targets and a chart from docs_bench.py's runs.

Usage: docs_report.py OUTDIR [--meta LINE]... [--chart FILE.png]

Reads OUTDIR/docs.jsonl and the page lists OUTDIR/pages-SITE-TOOL.txt; prints
Markdown (also written to OUTDIR/docs.md). Each row holds the median of each
metric over the rounds. "forage best x" is forage best's pages/s divided by
the row's: how many times faster forage is (below 1: slower).
"""

import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SITE_NAMES = {"pg": "postgresql-doc-15", "py": "python3.11-doc", "cpp": "cppreference-doc-en-html"}
PARSE_ONLY = "parse only (1 core)"
FETCH_ONLY = "fetch only (curl)"


def slug(name):
    return "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")


def med(xs):
    return statistics.median(xs) if xs else 0.0


def ran_whole(r):
    """Whether a run went to its end. forage exits 1 when some record failed
    (python3.11-doc and cppreference each link one missing page: a 404)."""
    if r.get("timed_out"):
        return False
    return r.get("rc") == 0 or (r["tool"].startswith("forage") and r.get("rc") == 1)


def fold(runs):
    """site -> tool -> folded row (medians), in first-seen order."""
    out = {}
    for r in runs:
        out.setdefault(r["site"], {}).setdefault(r["tool"], []).append(r)
    folded = {}
    for site, tools in out.items():
        folded[site] = {}
        for tool, rs in tools.items():
            ok = [r for r in rs if ran_whole(r)]
            use = ok or rs
            row = {
                "rounds": len(rs),
                "failed": len(rs) - len(ok),
                "pages": med([r.get("pages_found", 0) for r in use]),
                "wall": med([r["wall_s"] for r in use]),
                "cpu": med([r["cpu_s"] for r in use]),
                "rss": med([r["peak_rss_kib"] for r in use]) / 1024,
                "pss": med([r["peak_pss_kib"] for r in use]) / 1024,
                "argv": rs[0].get("argv", []),
            }
            if tool.startswith(PARSE_ONLY):  # the work alone, as timed by the tool itself
                parses = [r["parse"] for r in use if "parse" in r]
                if parses:
                    row["wall"] = med([p["total_s"] for p in parses])
                    row["cpu"] = row["wall"]
                    for k in ("charset_s", "gumbo_s", "extract_s", "encode_s"):
                        row[k] = med([p[k] for p in parses])
                    row["bytes"] = parses[0]["bytes"]
            row["pps"] = row["pages"] / row["wall"] if row["wall"] > 0 else 0.0
            folded[site][tool] = row
    return folded


def site_table(rows):
    best = rows.get("forage best", {}).get("pps", 0)
    lines = ["| tool | pages | wall s | CPU s | peak RSS MiB | peak PSS MiB | pages/s | forage best x |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for tool, r in rows.items():
        x = f"{best / r['pps']:.2f}" if r["pps"] > 0 and best > 0 else "-"
        fail = f" (**{r['failed']} of {r['rounds']} failed**)" if r["failed"] else ""
        lines.append(f"| {tool}{fail} | {r['pages']:,.0f} | {r['wall']:.2f} | {r['cpu']:.2f} | "
                     f"{r['rss']:.1f} | {r['pss']:.1f} | {r['pps']:,.0f} | {x} |")
    return lines


def targets(site, rows, cores):
    out = []
    best, dflt = rows.get("forage best"), rows.get("forage")
    parse, fetch = rows.get(PARSE_ONLY), rows.get(FETCH_ONLY)
    if best and parse and fetch:
        limit_parse = parse["wall"] / cores
        limit = max(limit_parse, fetch["wall"])
        ratio = best["wall"] / limit
        out.append(f"- limit: max(parse only {parse['wall']:.2f} s / {cores} cores = "
                   f"{limit_parse:.2f} s, fetch only {fetch['wall']:.2f} s) = {limit:.2f} s; "
                   f"forage best takes {best['wall']:.2f} s = **{ratio:.2f}x** the limit "
                   f"(target <= 1.25: {'met' if ratio <= 1.25 else 'NOT met'})")
    wanted = {"scrapy": 10 if site in ("pg", "cpp") else 1,
              "httrack": 2.5 if site == "pg" else 1,
              "Pool(8) requests+lxml": 2.5 if site == "pg" else 1}
    for tool, need in wanted.items():
        r = rows.get(tool)
        if best and r and r["pps"] > 0:
            x = best["pps"] / r["pps"]
            out.append(f"- forage best vs {tool}: **{x:.1f}x** pages/s (target >= {need:g}: "
                       f"{'met' if x >= need else 'NOT met'})")
    # The cost of keeping what was fetched: forage with --warc (or --save)
    # against itself without, and against GNU wget writing a WARC.
    for tool in ("forage --warc", "forage --save"):
        r = rows.get(tool)
        if dflt and r and r["pps"] > 0 and dflt["pps"] > 0:
            out.append(f"- {tool} vs forage: {r['pps'] / dflt['pps']:.2f}x pages/s, CPU "
                       f"{r['cpu']:.2f} s against {dflt['cpu']:.2f} s, peak RSS {r['rss']:.1f} "
                       f"against {dflt['rss']:.1f} MiB")
    warc, wget = rows.get("forage --warc"), rows.get("wget --warc-file")
    if warc and wget and wget["pps"] > 0:
        out.append(f"- forage --warc vs wget --warc-file: **{warc['pps'] / wget['pps']:.1f}x** "
                   f"pages/s ({warc['pages']:,.0f} and {wget['pages']:,.0f} pages)")
    if dflt:
        out.append(f"- memory at the defaults: peak PSS {dflt['pss']:.1f} MiB, peak RSS "
                   f"{dflt['rss']:.1f} MiB of the whole tree (target <= 64 MiB: "
                   f"{'met' if dflt['pss'] <= 64 else 'NOT met'} on PSS, "
                   f"{'met' if dflt['rss'] <= 64 else 'not met'} on RSS)")
    for tool, r in rows.items():  # an earlier build run beside this one (bench/run --baseline)
        name = tool.partition(" @")[2]
        if not name:
            continue
        now = rows.get(tool.partition(" @")[0])
        if now and r["pps"] > 0 and now["pps"] > 0:
            out.append(f"- {tool.partition(' @')[0]} now vs at {name}: {now['pps'] / r['pps']:.2f}x "
                       f"pages/s ({now['wall']:.2f} s against {r['wall']:.2f} s), CPU "
                       f"{now['cpu']:.2f} s against {r['cpu']:.2f} s")
    if parse and "gumbo_s" in parse:
        t = parse["wall"]
        out.append(f"- one core's work per page (parse only, {parse['bytes'] / parse['pages'] / 1024:.0f} "
                   f"KiB mean): charset {1000 * parse['charset_s'] / parse['pages']:.3f} ms, gumbo "
                   f"{1000 * parse['gumbo_s'] / parse['pages']:.3f} ms, extraction "
                   f"{1000 * parse['extract_s'] / parse['pages']:.3f} ms, result frame "
                   f"{1000 * parse['encode_s'] / parse['pages']:.3f} ms; gumbo parses "
                   f"{parse['bytes'] / parse['gumbo_s'] / 1e6:.1f} MB/s")
    return out


def compare(outdir, site, tools):
    ref = os.path.join(outdir, f"pages-{site}-forage.txt")
    if not os.path.exists(ref):
        return []
    args = [sys.executable, os.path.join(HERE, "pageset.py"), "compare", "--ref", f"forage={ref}"]
    for tool in tools:
        p = os.path.join(outdir, f"pages-{site}-{slug(tool)}.txt")
        if tool != "forage" and os.path.exists(p):
            args.append(f"{tool}={p}")
    res = subprocess.run(args, capture_output=True, text=True)
    return res.stdout.rstrip("\n").split("\n") if res.returncode == 0 else [
        f"(pageset.py compare failed: {res.stderr.strip()[:200]})"]


def chart(folded, path):
    """Grouped bars of pages/s per tool and site, log scale, with gnuplot (PNG)."""
    sites = list(folded)
    tools = []
    for rows in folded.values():
        for t in rows:
            if t not in tools:
                tools.append(t)
    dat = path + ".dat"
    with open(dat, "w") as f:
        f.write("tool " + " ".join(SITE_NAMES.get(s, s) for s in sites) + "\n")
        for t in tools:
            vals = [folded[s].get(t, {}).get("pps", 0) or "NaN" for s in sites]
            f.write(json.dumps(t) + " " + " ".join(str(v) for v in vals) + "\n")
    plots = ", ".join(f"'{dat}' using {i + 2}:xtic(1) title columnheader({i + 2})"
                      for i in range(len(sites)))
    script = f"""set terminal pngcairo size 1100,560 font 'sans,10'
set output '{path}'
set title 'Crawling documentation sites from nginx on 127.0.0.1 (pages/s, log scale; higher is better)'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set logscale y
set yrange [10:*]
set grid ytics
set key top right
set xtics rotate by -30 scale 0 font ',9'
set bmargin 7
plot {plots}
"""
    res = subprocess.run(["gnuplot"], input=script, text=True, capture_output=True)
    if res.returncode != 0:
        print(f"docs_report: gnuplot failed: {res.stderr.strip()[:300]}", file=sys.stderr)
    os.unlink(dat)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--meta", action="append", default=[])
    ap.add_argument("--chart")
    ap.add_argument("--cores", type=int, default=os.cpu_count())
    a = ap.parse_args()
    runs = [json.loads(l) for l in open(os.path.join(a.outdir, "docs.jsonl")) if l.strip()]
    folded = fold(runs)
    lines = list(a.meta)
    for site, rows in folded.items():
        lines += ["", f"### {SITE_NAMES.get(site, site)}", ""]
        lines += site_table(rows)
        lines += ["", "Targets:", ""] + targets(site, rows, a.cores)
        lines += ["", "Page sets against forage's:", ""] + compare(a.outdir, site, rows)
    lines += ["", "Commands (START: the site's index URL; RUN: a fresh directory; PREP: the "
              "page list forage found, as a curl config and as URL<TAB>file lines):", ""]
    seen = set()
    for rows in folded.values():
        for tool, r in rows.items():
            if tool not in seen:
                seen.add(tool)
                lines.append(f"- {tool}: `{' '.join(shlex.quote(x) for x in r['argv'])}`")
        break
    text = "\n".join(lines) + "\n"
    with open(os.path.join(a.outdir, "docs.md"), "w") as f:
        f.write(text)
    sys.stdout.write(text)
    if a.chart:
        chart(folded, a.chart)


if __name__ == "__main__":
    main()
