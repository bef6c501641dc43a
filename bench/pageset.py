#!/usr/bin/env python3
"""Which HTML pages did a crawler fetch? Page sets of forage and its competitors (stdlib only).

Usage:
  pageset.py KIND OUTPUT [--base URL]
      Print, sorted and one a line, the URLs of the HTML pages the tool fetched
      with HTTP 200. KIND and OUTPUT:
        forage   forage's JSON Lines ("url" of records with "ok" true, status 200)
        scrapy   JSON Lines of bench/tools/scrapy_spider.py ("url", "status")
        pool     JSON Lines of bench/tools/pool_crawl.py ("url", "status")
        wget2    the CSV of wget2 --stats-site=csv:FILE (columns URL, Status)
        httrack  the mirror directory given to httrack -O, or its hts-cache/new.txt
                 (tab-separated: statuscode in column 4, MIME in 6, URL in 8)
      "HTML page" is the crawl rule of bench/tools/README.md: the URL's path ends
      in ".html", ".htm" or "/". URLs are normalised so that spellings of one URL
      compare equal: fragment dropped, scheme and host in lower case, default port
      dropped, escapes in upper case, characters that must be escaped escaped, and
      escapes decoded where the character may stand as it is: in the query only
      unreserved characters (A-Z a-z 0-9 - . _ ~), in the path also sub-delimiters
      and ":" "@" (the tools log "operator%3D.html" and "operator=.html" for one
      file). --base URL keeps only URLs with the same scheme, host and port as URL.

  pageset.py compare --ref NAME=FILE NAME=FILE ...
      Each FILE a list printed by the first form. Prints Markdown: for each other
      tool, its page count, and the pages it has that the reference lacks and the
      reverse, with up to 5 examples each.
"""

import argparse
import csv
import gzip
import json
import os
import re
import sys
from urllib.parse import urlsplit, urlunsplit

HTML_PATH = re.compile(r"(\.html?|/)$")
UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
PCHAR = UNRESERVED | frozenset("!$&'()*+,;=:@")  # RFC 3986: may stand unescaped in a path segment
ALLOWED = PCHAR | frozenset("/?%")  # left as they are in a path or query


def _escapes(part, decodable):
    """Normalise the percent-encoding of one URL component."""
    out = []
    data = part.encode("utf-8")
    i = 0
    while i < len(data):
        c = chr(data[i])
        if c == "%" and re.fullmatch(rb"[0-9A-Fa-f]{2}", data[i + 1:i + 3]):
            ch = chr(int(data[i + 1:i + 3], 16))
            out.append(ch if ch in decodable else "%" + data[i + 1:i + 3].decode().upper())
            i += 3
            continue
        out.append(c if data[i] < 128 and c in ALLOWED and c != "%" else "%%%02X" % data[i])
        i += 1
    return "".join(out)


def normalise(url):
    """One spelling per URL: see the module docstring."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    netloc = host if port is None or (scheme, port) in (("http", 80), ("https", 443)) else f"{host}:{port}"
    return urlunsplit((scheme, netloc, _escapes(parts.path, PCHAR) or "/",
                       _escapes(parts.query, UNRESERVED), ""))


def is_html_page(url):
    return bool(HTML_PATH.search(urlsplit(url).path))


def fetched(kind, path):
    """Yield the URL of every successful (HTTP 200) fetch recorded in OUTPUT."""
    if kind in ("forage", "scrapy", "pool"):
        with open(path, encoding="utf-8") as f:
            for line in f:
                if not line.strip():
                    continue
                r = json.loads(line)
                if r.get("status") == 200 and (kind != "forage" or r.get("ok") is True):
                    yield r["url"]
    elif kind == "wget2":
        with open(path, encoding="utf-8", errors="replace", newline="") as f:
            for row in csv.DictReader(f):
                if row.get("Status") == "200":
                    yield row["URL"]
    elif kind == "httrack":
        if os.path.isdir(path):
            path = os.path.join(path, "hts-cache", "new.txt")
        with open(path, encoding="utf-8", errors="replace") as f:
            next(f, None)  # header line
            for line in f:
                cols = line.rstrip("\n").split("\t")
                if len(cols) >= 8 and cols[3] == "200" and cols[5].startswith("text/html"):
                    yield cols[7]
    elif kind == "warc":
        # Every *.warc.gz in the directory: the target of each response
        # record whose HTTP status is 200.
        for name in sorted(os.listdir(path)):
            if name.endswith(".warc.gz"):
                yield from _warc_pages(os.path.join(path, name))
    else:
        raise SystemExit(f"pageset.py: unknown kind {kind!r}")


def _warc_pages(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    at = 0
    while at < len(data):
        end = data.find(b"\r\n\r\n", at)
        if end < 0:
            return
        head = data[at:end].decode("utf-8", "replace").split("\r\n")
        fields = {}
        for line in head[1:]:
            name, _, value = line.partition(":")
            fields[name.strip().lower()] = value.strip()
        length = int(fields.get("content-length", "0"))
        block = data[end + 4:end + 4 + length]
        at = end + 4 + length + 4
        if fields.get("warc-type") == "response" and block.split(b" ", 2)[1:2] == [b"200"]:
            yield fields.get("warc-target-uri", "").strip("<>")


def pageset(kind, path, base=None):
    origin = None
    if base:
        b = urlsplit(normalise(base))
        origin = (b.scheme, b.netloc)
    pages = set()
    for url in fetched(kind, path):
        url = normalise(url)
        if is_html_page(url) and (origin is None or urlsplit(url)[:2] == origin):
            pages.add(url)
    return pages


def compare(ref, others):
    """Markdown report of each other page set against the reference."""
    def load(spec):
        name, _, path = spec.partition("=")
        if not path:
            raise SystemExit(f"pageset.py: expected NAME=FILE, got {spec!r}")
        with open(path, encoding="utf-8") as f:
            return name, {line.strip() for line in f if line.strip()}

    def examples(urls):
        return "".join(f"\n    - `{u}`" for u in sorted(urls)[:5])

    ref_name, ref_set = load(ref)
    lines = [f"Reference **{ref_name}**: {len(ref_set)} pages.", ""]
    for spec in others:
        name, pages = load(spec)
        extra, missing = pages - ref_set, ref_set - pages
        lines.append(f"- **{name}**: {len(pages)} pages; {len(extra)} not in {ref_name}, "
                     f"{len(missing)} of {ref_name}'s missing")
        if extra:
            lines.append(f"  - only in {name}:{examples(extra)}")
        if missing:
            lines.append(f"  - only in {ref_name}:{examples(missing)}")
    return "\n".join(lines)


def main(argv):
    if argv and argv[0] == "compare":
        ap = argparse.ArgumentParser(prog="pageset.py compare")
        ap.add_argument("--ref", required=True, metavar="NAME=FILE")
        ap.add_argument("others", nargs="+", metavar="NAME=FILE")
        args = ap.parse_args(argv[1:])
        print(compare(args.ref, args.others))
        return
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("kind", choices=["forage", "scrapy", "pool", "wget2", "httrack", "warc"])
    ap.add_argument("output")
    ap.add_argument("--base", metavar="URL")
    args = ap.parse_args(argv)
    for url in sorted(pageset(args.kind, args.output, args.base)):
        print(url)


if __name__ == "__main__":
    main(sys.argv[1:])
