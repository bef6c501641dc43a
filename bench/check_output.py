#!/usr/bin/env python3
"""Check that one benchmark run really fetched every URL (python3 stdlib only).

Usage: check_output.py --kind forage|curl|wget2 --urls URLS.txt [--bytes N] OUTPUT

  forage  OUTPUT is forage's JSON Lines: one record per URL, "ok": true, "bytes".
  curl    OUTPUT is curl's -w '%{http_code} %{size_download} %{url_effective}\\n' lines.
  wget2   OUTPUT is wget2's --stats-site=csv:FILE (columns URL, Status, Size).

A run passes when OUTPUT has exactly one entry per URL of URLS.txt, every URL of
the list appears, each one succeeded (ok true / HTTP 200) and, with --bytes, the
body sizes add up to N (the site's total size: every body came in whole).
Prints one JSON object: {"pass", "ok", "expected", "entries", "bytes", "detail"};
exits 0 either way.
"""

import argparse
import csv
import json


def entries(kind, path):
    """Yield (url, succeeded, body bytes) for each entry of OUTPUT; url None if unreadable."""
    with open(path, encoding="utf-8", errors="replace", newline="") as f:
        if kind == "forage":
            for line in f:
                if not line.strip():
                    continue
                try:
                    r = json.loads(line)
                    yield r.get("url"), r.get("ok") is True, int(r.get("bytes") or 0)
                except (json.JSONDecodeError, AttributeError, TypeError, ValueError):
                    yield None, False, 0
        elif kind == "curl":
            for line in f:
                parts = line.split()
                if len(parts) != 3 or not parts[1].isdigit():
                    yield None, False, 0
                else:
                    yield parts[2], parts[0] == "200", int(parts[1])
        elif kind == "wget2":
            for row in csv.DictReader(f):
                size = row.get("Size") or ""
                yield row.get("URL"), row.get("Status") == "200", int(size) if size.isdigit() else 0
        else:
            raise SystemExit(f"unknown kind {kind}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kind", required=True, choices=["forage", "curl", "wget2"])
    ap.add_argument("--urls", required=True)
    ap.add_argument("--bytes", type=int, help="expected total body bytes")
    ap.add_argument("output")
    a = ap.parse_args()

    with open(a.urls) as f:
        want = {u.strip() for u in f if u.strip()}
    n = 0
    good = set()
    bad = 0
    unknown = 0
    nbytes = 0
    try:
        for url, ok, size in entries(a.kind, a.output):
            n += 1
            nbytes += size
            if url not in want:
                unknown += 1
            elif ok:
                good.add(url)
            else:
                bad += 1
    except OSError as e:
        print(json.dumps({"pass": False, "ok": 0, "expected": len(want), "entries": 0,
                          "bytes": 0, "detail": f"cannot read output: {e}"}))
        return
    bytes_ok = a.bytes is None or nbytes == a.bytes
    passed = n == len(want) and len(good) == len(want) and bytes_ok
    detail = "" if passed else (f"{n} entries for {len(want)} URLs: {len(good)} ok, {bad} failed, "
                                f"{unknown} not in the list, {len(want) - len(good)} URLs never ok; "
                                f"{nbytes} body bytes" + ("" if a.bytes is None else f" of {a.bytes}"))
    print(json.dumps({"pass": passed, "ok": len(good), "expected": len(want), "entries": n,
                      "bytes": nbytes, "detail": detail}))


if __name__ == "__main__":
    main()
