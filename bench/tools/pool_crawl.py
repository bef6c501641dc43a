"""The plain Python approach: multiprocessing.Pool + requests + lxml, level by level.

    /usr/bin/python3 bench/tools/pool_crawl.py START --procs N --out OUT.jsonl

Crawls breadth first from START: each level's URLs are fetched by a Pool of N
worker processes (one requests.Session each, made in the Pool initializer) with
requests.get and parsed with lxml.html; the links of every 200 HTML page that
stay on START's host and port and whose path ends in ".html", ".htm" or "/"
(fragment dropped, query kept) and were not seen before make the next level.
Writes one JSON line per URL fetched: {"url", "status", "title", "links"}.
Stdlib + requests + lxml only (Debian's python3-requests and python3-lxml).
"""

import argparse
import json
import multiprocessing
import re
from urllib.parse import urldefrag, urljoin, urlsplit

import lxml.html
import requests

HTML_PATH = re.compile(r"(\.html?|/)$")
session = None


def init_worker():
    global session
    session = requests.Session()


def fetch(url):
    """Fetch and parse one URL; return its record (links absolute, fragment dropped)."""
    try:
        r = session.get(url, timeout=30)
    except requests.RequestException as e:
        return {"url": url, "status": None, "title": None, "links": [], "error": str(e)}
    title, links = None, []
    if r.headers.get("Content-Type", "").startswith("text/html") and r.content.strip():
        doc = lxml.html.fromstring(r.content)
        title = doc.findtext(".//title")
        base = r.url  # after redirects; a <base href> overrides it
        base_el = doc.find(".//base[@href]")
        if base_el is not None:
            base = urljoin(base, base_el.get("href").strip())
        for el in doc.iter("a", "area"):
            href = el.get("href")
            if href is not None:
                link = urldefrag(urljoin(base, href.strip()))[0]
                if link.startswith(("http://", "https://")):
                    links.append(link)
    links = list(dict.fromkeys(links))  # each link once, in page order
    return {"url": url, "status": r.status_code, "title": title and title.strip(), "links": links}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("start")
    ap.add_argument("--procs", type=int, default=8)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()

    netloc = urlsplit(args.start).netloc
    frontier = [urldefrag(args.start)[0]]
    seen = set(frontier)
    with multiprocessing.Pool(args.procs, initializer=init_worker) as pool, \
            open(args.out, "w", encoding="utf-8") as out:
        while frontier:
            next_level = []
            for rec in pool.imap_unordered(fetch, frontier, chunksize=4):
                out.write(json.dumps(rec, ensure_ascii=False) + "\n")
                if rec["status"] != 200:
                    continue
                for link in rec["links"]:
                    parts = urlsplit(link)
                    if parts.netloc == netloc and HTML_PATH.search(parts.path) and link not in seen:
                        seen.add(link)
                        next_level.append(link)
            frontier = next_level


if __name__ == "__main__":
    main()
