#!/usr/bin/python3
"""Tables, page-set differences, targets and a chart from docs_bench.py's runs.

Usage: docs_report.py OUTDIR [--meta LINE]... [--chart FILE.png]

Reads OUTDIR/docs.jsonl and the page lists OUTDIR/pages-SITE-TOOL.txt; prints
Markdown (also written to OUTDIR/docs.md). Each row holds the median of each
metric over the rounds. "forage best x" is forage best's pages/s divided by
the row's: how many times faster forage is (below 1: slower). Under each
site's table: the targets (against the limits, Scrapy, httrack, the Pool and
wget2), what the scanner buys (forage against forage --full-parse), and a
table of parse_only's figures: the pages the scanner took, why it handed the
others to gumbo, and the cost of each stage in ms a page.
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
# parse_only's timings (seconds): the whole work at the defaults and with
# --full-parse, and the defaults' stages, then --full-parse's gumbo and extraction.
PARSE_TIMES = ("total_s", "full_parse_total_s", "charset_s", "scan_s", "links_s", "gumbo_s",
               "extract_s", "encode_s", "full_gumbo_s", "full_extract_s")
# The targets against wget2 (5 threads): forage's pages/s at least
# this share of wget2's, at the defaults and at its best settings.
WGET2_SHARE = {"pg": 1.0, "py": 0.5, "cpp": 0.5}


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
                    # A baseline's parse_only may predate some fields: only
                    # those every round gave.
                    for k in PARSE_TIMES:
                        if all(k in p for p in parses):
                            row[k] = med([p[k] for p in parses])
                    row["bytes"] = parses[0]["bytes"]
                    if "scanned" in parses[0]:  # the same pages every round
                        row["scanned"] = parses[0]["scanned"]
                        row["handed_over"] = parses[0].get("handed_over", {})
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
    wget2 = rows.get("wget2")
    need = WGET2_SHARE.get(site)
    for tool in ("forage", "forage best"):
        r = rows.get(tool)
        if need and r and wget2 and wget2["pps"] > 0:
            x = r["pps"] / wget2["pps"]
            out.append(f"- {tool} vs wget2: **{x:.2f}x** pages/s ({r['pps']:,.0f} against "
                       f"{wget2['pps']:,.0f}; target >= {need:g}: {'met' if x >= need else 'NOT met'})")
    # What the streaming scanner buys: each forage row against its twin
    # that builds gumbo's tree for every page.
    for tool in ("forage", "forage best"):
        r, full = rows.get(tool), rows.get(tool + " --full-parse")
        if r and full and r["pps"] > 0 and full["pps"] > 0:
            out.append(f"- {tool} vs {tool} --full-parse: {r['pps'] / full['pps']:.2f}x pages/s, "
                       f"CPU {r['cpu']:.2f} s against {full['cpu']:.2f} s, peak RSS "
                       f"{r['rss']:.1f} against {full['rss']:.1f} MiB")
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
    return out


def top_reasons(handed, n=3):
    """The commonest hand-over reasons, "name count", most first."""
    ranked = sorted(handed.items(), key=lambda kv: (-kv[1], kv[0]))
    text = ", ".join(f"{k} {v}" for k, v in ranked[:n])
    return text + (f", {len(ranked) - n} more" if len(ranked) > n else "") if ranked else "-"


def parse_table(rows):
    """One core's work per page (parse_only), for each parse-only row: how
    many pages the scanner took, why it handed the others to gumbo, and the
    defaults' stages in ms a page (gumbo and extraction: the pages handed
    over, spread over all), then the whole at the defaults and with --full-parse."""
    parses = [(t, r) for t, r in rows.items() if t.startswith(PARSE_ONLY) and "total_s" in r]
    if not parses:
        return []
    lines = ["| parse only | pages | scanned | handed over (top reasons) | charset | scan | links | "
             "gumbo | extraction | frame | total ms/page | --full-parse ms/page |",
             "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    notes = []
    for tool, r in parses:
        n = r["pages"] or 1
        ms = lambda k: f"{1000 * r[k] / n:.3f}" if k in r else "-"  # noqa: E731
        scanned = f"{100 * r['scanned'] / n:.1f}%" if "scanned" in r else "-"
        handed = top_reasons(r["handed_over"]) if "handed_over" in r else "-"
        lines.append(f"| {tool} | {r['pages']:,.0f} | {scanned} | {handed} | {ms('charset_s')} | "
                     f"{ms('scan_s')} | {ms('links_s')} | {ms('gumbo_s')} | {ms('extract_s')} | "
                     f"{ms('encode_s')} | {ms('total_s')} | {ms('full_parse_total_s')} |")
        gumbo = r.get("full_gumbo_s")
        if gumbo:
            notes.append(f"- {tool}: pages of {r['bytes'] / n / 1024:.0f} KiB mean; gumbo parses "
                         f"{r['bytes'] / gumbo / 1e6:.1f} MB/s (every page, as --full-parse does), "
                         f"extraction after it {1000 * r['full_extract_s'] / n:.3f} ms/page")
    return lines + [""] + notes if notes else lines


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
        table = parse_table(rows)
        if table:
            lines += ["", "One core's work per page (parse only; stages at the defaults):", ""] + table
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
