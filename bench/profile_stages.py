#!/usr/bin/python3
"""Where a page's time goes: `perf script` samples sorted into the stages of forage.

Usage: perf script -i perf.data -F comm,period,ip,sym,dso | profile_stages.py PAGES

Reads samples taken with `perf record --call-graph dwarf` over a whole forage
run (perf follows the fetchers, which are child processes) and puts each one
in a stage by the frames on its stack. A fetcher's stages, in the order they
are tried (the first whose pattern matches a frame takes the sample):

  charset     SniffEncoding, ToUtf8, MakeValidUtf8, iconv
  links       link resolution: PageCollector::Finish, UrlResolver,
              CollectLinks, ResolveLink, WhatwgUrl, and curl_url_* when no
              frame of curl's transfer loop (curl_multi_*, curl_easy_perform,
              Fetcher::) is on the stack: libcurl parses each transfer's URL
              with curl_url_set too
  scanner     the streaming scanner: HtmlScanner, ScanRun,
              AppendDecodedCharRefs, ScanPage, ScanBody (and the PageCollector
              it feeds, and gumbo's tag lookup it calls); tried after links,
              which ScanPage ends with
  gumbo       gumbo_* (the parse of a page the scanner handed over, or of
              every page with --full-parse)
  extraction  ExtractPage and what else it calls (the walk of gumbo's tree,
              selectors, text)
  encoding    the result frame (wire::Encode*)
  pipe        writing result frames to the master (WriteAll)
  fetch       everything else in a fetcher: curl, sockets, poll

and the master's:

  output      the record sinks (JSON, CSV, SQLite)
  master      everything else: reading frames, scheduling, the seen set

Prints a Markdown table, stages in a page's order: each stage's share of all
samples and its CPU time per page (samples' periods are CPU-clock nanoseconds
with -e cpu-clock).
"""

import re
import sys

CURL_URL = re.compile(r"curl_url")
TRANSFER = re.compile(r"curl_multi_|curl_easy_perform|Fetcher::")
FETCHER_STAGES = [
    ("charset", re.compile(r"SniffEncoding|ToUtf8|MakeValidUtf8|iconv|__gconv|/gconv/")),
    ("links", re.compile(r"PageCollector::Finish|UrlResolver|CollectLinks|ResolveLink|WhatwgUrl")),
    ("scanner", re.compile(r"HtmlScanner|ScanRun|AppendDecodedCharRefs|ScanPage|ScanBody")),
    ("gumbo", re.compile(r"gumbo_|libgumbo|ArenaAllocate")),
    ("extraction", re.compile(r"ExtractPage|Selector|PageText")),
    ("encoding", re.compile(r"wire::Encode")),
    ("pipe", re.compile(r"WriteAll")),
]
MASTER_STAGES = [
    ("output", re.compile(r"Sink|nlohmann|sqlite3|RecordColumns|Checkpoint")),
]
ORDER = ["fetch", "charset", "scanner", "links", "gumbo", "extraction", "encoding", "pipe",
         "master", "output"]


def classify(comm, frames):
    if comm.startswith("forage-fetch") or comm == "forage-fetcher":
        stages, default = FETCHER_STAGES, "fetch"
    else:
        stages, default = MASTER_STAGES, "master"
    for name, pattern in stages:
        if any(pattern.search(f) for f in frames):
            return name
        # curl's URL API with forage's caller unwound away: link resolution,
        # unless the stack shows curl's own transfer loop parsing a URL.
        if (name == "links" and any(CURL_URL.search(f) for f in frames)
                and not any(TRANSFER.search(f) for f in frames)):
            return name
    return default


def main():
    pages = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    totals = {k: 0 for k in ORDER}
    comm, period, frames = None, 0, []

    def flush():
        if comm is not None:
            totals[classify(comm, frames)] += period

    for line in sys.stdin:
        line = line.rstrip("\n")
        if not line:
            flush()
            comm, period, frames = None, 0, []
            continue
        if not line.startswith(("\t", " ")):
            flush()
            parts = line.split()
            comm = parts[0]
            try:
                period = int(parts[1])
            except (IndexError, ValueError):
                period = 1
            frames = [" ".join(parts[2:])]
        else:
            frames.append(line.strip())
    flush()
    total = sum(totals.values()) or 1
    print("| stage | share of CPU | CPU ms/page |")
    print("|---|---:|---:|")
    for k in ORDER:
        per_page = f"{totals[k] / 1e6 / pages:.3f}" if pages else "-"
        print(f"| {k} | {100 * totals[k] / total:.1f}% | {per_page} |")
    print(f"| all | 100% | {total / 1e6 / pages:.3f} |" if pages else "| all | 100% | - |")


if __name__ == "__main__":
    main()
