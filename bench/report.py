#!/usr/bin/env python3
"""Turn bench/fetch.sh's results.jsonl into a Markdown table (python3 stdlib only).

Usage: report.py RESULTS.jsonl [--meta LINE]... [--note LINE]...

Each input line is one measured run: measure.py's JSON plus "name", "tool",
"round", "pages" and "check" (check_output.py's JSON). Runs of the same name
(BENCH_REPEAT > 1) are folded into one row holding the median of each metric.
The ratio column is pages/s relative to the fastest curl row. Below the
table, the targets: forage's best pages/s at least half of curl --parallel's
best (the --full-parse rows, gumbo for every page, shown beside it), and at
most 0.1 ms of CPU per page in the rows at the defaults (-j and -c alone).
"""

import argparse
import json
import re
import statistics

PPS_SHARE = 0.5      # forage's best pages/s against curl --parallel's best
CPU_MS_PAGE = 0.1    # forage's CPU ms per page at the defaults
DEFAULTS_ROW = re.compile(r"forage -j \d+ -c \d+")


def fmt(x, nd):
    return f"{x:,.{nd}f}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("results")
    ap.add_argument("--meta", action="append", default=[], help="a line printed above the table")
    ap.add_argument("--note", action="append", default=[], help="a bullet printed below the table")
    a = ap.parse_args()

    runs = [json.loads(line) for line in open(a.results) if line.strip()]
    rows, order = {}, []
    for r in runs:
        if r["name"] not in rows:
            rows[r["name"]] = []
            order.append(r["name"])
        rows[r["name"]].append(r)

    table = []
    for name in order:
        rs = rows[name]
        pages = rs[0]["pages"]
        med = lambda key: statistics.median(r[key] for r in rs)  # noqa: E731
        wall = med("wall_s")
        cpu = med("cpu_s")
        passed = all(r["check"]["pass"] and r["rc"] == 0 and not r["timed_out"] for r in rs)
        ok_min = min(r["check"]["ok"] for r in rs)
        table.append({
            "name": name, "tool": rs[0]["tool"], "n": len(rs), "pages": pages,
            "wall": wall, "pps": pages / wall if wall > 0 else 0.0, "cpu": cpu,
            "cpu_ms": 1000 * cpu / pages, "rss": med("peak_rss_kib") / 1024,
            "pss": med("peak_pss_kib") / 1024, "procs": max(r["max_procs"] for r in rs),
            "ok": f"{ok_min}/{pages}" + ("" if passed else " **FAIL**"),
        })
    best_curl = max((t["pps"] for t in table if t["tool"] == "curl"), default=0.0)

    out = []
    out.extend(a.meta)
    out.append("")
    out.append("| tool / config | wall s | pages/s | CPU s | CPU ms/page | peak tree RSS MiB "
               "| peak tree PSS MiB | procs | pages/s vs best curl | ok |")
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for t in table:
        ratio = f"{t['pps'] / best_curl:.2f}x" if best_curl else "n/a"
        out.append(f"| {t['name']} | {fmt(t['wall'], 2)} | {fmt(t['pps'], 0)} | {fmt(t['cpu'], 2)} "
                   f"| {fmt(t['cpu_ms'], 3)} | {fmt(t['rss'], 1)} | {fmt(t['pss'], 1)} "
                   f"| {t['procs']} | {ratio} | {t['ok']} |")
    out.append("")
    out.extend(targets(table))
    out.extend(f"- {n}" for n in a.note)
    print("\n".join(out))


def targets(table):
    forage = [t for t in table if t["tool"] == "forage"]
    curl = [t for t in table if t["name"].startswith("curl --parallel")]
    if not forage:
        return []
    out = ["Targets:", ""]
    best_curl = max(curl, key=lambda t: t["pps"], default=None)
    scanner = [t for t in forage if "--full-parse" not in t["name"]]
    full = [t for t in forage if "--full-parse" in t["name"]]
    if best_curl and best_curl["pps"] > 0:
        for rows, what in ((scanner, ""), (full, " --full-parse (no target)")):
            best = max(rows, key=lambda t: t["pps"], default=None)
            if not best:
                continue
            x = best["pps"] / best_curl["pps"]
            verdict = "" if what else f"; target >= {PPS_SHARE:g}: {'met' if x >= PPS_SHARE else 'NOT met'}"
            out.append(f"- forage's best{what}: {fmt(best['pps'], 0)} pages/s ({best['name']}) = "
                       f"**{x:.2f}x** curl --parallel's best ({fmt(best_curl['pps'], 0)}, "
                       f"{best_curl['name']}){verdict}")
    for t in forage:
        if DEFAULTS_ROW.fullmatch(t["name"]):
            verdict = f"target <= {CPU_MS_PAGE:g}: {'met' if t['cpu_ms'] <= CPU_MS_PAGE else 'NOT met'}"
        else:
            verdict = "no target"
        out.append(f"- {t['name']}: {t['cpu_ms']:.3f} ms CPU per page ({verdict})")
    return out + [""]


if __name__ == "__main__":
    main()
