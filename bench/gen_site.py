#!/usr/bin/env python3
"""Generate a deterministic static web site for the forage benchmark.

Writes OUT/site/p/0.html .. OUT/site/p/{N-1}.html and OUT/urls.txt (one URL a
line, http://HOST:PORT/p/I.html, in page order).

Every page is realistic-ish HTML of roughly 5-30 KB: a <title>, a meta
description, a small <style> block, a nav bar, headings, paragraphs (some with
entities and non-ASCII UTF-8 text), a list, and 20-50 links to other pages of
the site in three forms: relative ("17.html"), root-relative ("/p/17.html") and
absolute ("http://127.0.0.1:PORT/p/17.html"), plus a few fragment links.

The output depends only on --pages, --port, --host and --seed (python3 stdlib
only; random.Random(seed) drives everything).

Usage: gen_site.py --out DIR --port PORT [--pages 5000] [--seed 20240601]
"""

import argparse
import os
import random

WORDS = """
the of and to in is that for it as was with be by on not he this are or his
from at which but have an they you were her she there been one all we their
has would when if so no what up out more can about into them some could time
these two may then do first any my now such like our over man me even most made
after also did many before must through back years where much your way well down
should because each just those people how too little state good very make world
still own see men work long get here between both life being under never day
same another know while last might us great old year off come since against go
came right used take three crawler scraper request response header socket
latency throughput buffer parser document element attribute anchor fetch queue
worker process memory page site index archive section chapter garden river
mountain harbour market library station village orchard meadow lantern compass
weather season autumn winter spring summer morning evening journey history
""".split()

# A few words with non-ASCII characters, so pages are real UTF-8.
UNICODE_WORDS = ["café", "naïve", "façade", "Zürich", "São Paulo", "smörgåsbord",
                 "coöperate", "déjà vu", "Ελλάδα", "日本語", "—", "€12"]

TOPICS = ["Gardening", "Networking", "Cooking", "Astronomy", "Cycling", "History",
          "Photography", "Sailing", "Databases", "Birdwatching", "Pottery", "Chess"]


def sentence(rng, lo=6, hi=20):
    n = rng.randint(lo, hi)
    words = [rng.choice(WORDS) for _ in range(n)]
    if rng.random() < 0.15:
        words[rng.randrange(n)] = rng.choice(UNICODE_WORDS)
    if rng.random() < 0.05:
        words.insert(rng.randrange(n), "&amp;")
    words[0] = words[0].capitalize()
    return " ".join(words) + rng.choice([".", ".", ".", "!", "?"])


def link_href(rng, target, host, port):
    form = rng.random()
    if form < 0.40:
        href = f"{target}.html"                      # relative to /p/
    elif form < 0.70:
        href = f"/p/{target}.html"                   # root-relative
    else:
        href = f"http://{host}:{port}/p/{target}.html"  # absolute
    if rng.random() < 0.05:
        href += "#section-2"
    return href


def page(i, n_pages, rng, host, port):
    topic = rng.choice(TOPICS)
    title = f"{topic} notes #{i}: " + " ".join(rng.choice(WORDS) for _ in range(4))
    desc = sentence(rng, 12, 24).replace('"', "")
    target_size = rng.randint(5 * 1024, 30 * 1024)
    n_links = rng.randint(20, 50)
    links = [rng.randrange(n_pages) for _ in range(n_links)]

    head = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{title}</title>",
        f'<meta name="description" content="{desc}">',
        f'<link rel="canonical" href="http://{host}:{port}/p/{i}.html">',
        "<style>body{font-family:sans-serif;max-width:46em;margin:auto}"
        "nav a{margin-right:1em}.note{color:#555}</style>",
        "</head>",
        "<body>",
        '<nav><a href="/p/0.html">Home</a>'
        f'<a href="{(i + 1) % n_pages}.html">Next</a>'
        f'<a href="/p/{(i - 1) % n_pages}.html">Previous</a></nav>',
        f"<h1>{title}</h1>",
    ]
    body = []
    size = sum(len(s) + 1 for s in head)
    li = 3  # the nav bar already holds three links
    inline_end = rng.randint(n_links // 3, 2 * n_links // 3)  # links[li:inline_end] go in paragraphs
    section = 1
    # Paragraphs until the page reaches its target size; the remaining links
    # are sprinkled into paragraphs, and what is left over goes in a list.
    while size < target_size - 600:
        if rng.random() < 0.2:
            h = f'<h2 id="section-{section}">{sentence(rng, 3, 7)[:-1]}</h2>'
            section += 1
            body.append(h)
            size += len(h) + 1
        parts = [sentence(rng) for _ in range(rng.randint(2, 7))]
        if li < inline_end and rng.random() < 0.6:
            t = links[li]
            li += 1
            k = rng.randrange(len(parts))
            parts[k] = (f'{parts[k][:-1]} (<a href="{link_href(rng, t, host, port)}">'
                        f"see page {t}</a>).")
        p = "<p>" + " ".join(parts) + "</p>"
        if rng.random() < 0.1:
            p = '<p class="note"><em>Note:</em> ' + p[3:]
        body.append(p)
        size += len(p) + 1
    items = [f'<li><a href="{link_href(rng, t, host, port)}">Related: page {t}</a></li>'
             for t in links[li:]]
    related = ["<h2>Related pages</h2>", "<ul>", *items, "</ul>"] if items else []
    tail = [*related,
            f"<footer><p>Page {i} of {n_pages}. &copy; forage bench site.</p></footer>",
            "</body>", "</html>", ""]
    return "\n".join(head + body + tail)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True, help="output directory")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--pages", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=20240601)
    a = ap.parse_args()

    pdir = os.path.join(a.out, "site", "p")
    os.makedirs(pdir, exist_ok=True)
    total = 0
    for i in range(a.pages):
        rng = random.Random(a.seed * 1_000_003 + i)  # one stream per page
        data = page(i, a.pages, rng, a.host, a.port).encode("utf-8")
        total += len(data)
        with open(os.path.join(pdir, f"{i}.html"), "wb") as f:
            f.write(data)
    with open(os.path.join(a.out, "urls.txt"), "w") as f:
        for i in range(a.pages):
            f.write(f"http://{a.host}:{a.port}/p/{i}.html\n")
    print(f"gen_site: {a.pages} pages, {total / 1048576:.1f} MiB, "
          f"mean {total / max(a.pages, 1) / 1024:.1f} KiB/page")


if __name__ == "__main__":
    main()
