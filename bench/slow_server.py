#!/usr/bin/env python3
"""An HTTP server that answers every request after a fixed wait, for bench/cluster.sh.

It stands for many slow sites: the time goes in waiting, not in CPU, so a
crawler's rate is bounded by how many requests it keeps in flight (and by
its politeness), not by the server. One asyncio loop, protocol callbacks
and a timer per request: a few hundred waiting requests cost it almost
nothing (bench/cluster.sh measures its CPU and prints it).

The site: pages 0 .. N-1, page k at http://h{k % HOSTS}.bench:PORT/p/k (the
crawler sends every name to this one server with --resolve). Page k links
to its DEGREE children DEGREE*k+1 .. DEGREE*k+DEGREE (a tree rooted at 0,
so every page is reachable), to its parent, to the root and to two other
pages spread over the site, so most links are already seen when they are
found. Children of a page sit on other hosts than the page itself. A page
asked for under the wrong host name is a 404, as is anything else but
/robots.txt (404 too, after the same wait) and /__stats.

GET /__stats answers at once with JSON: requests served, pages served, the
most requests waiting at once (all hosts, and on any one host), and how late
the answers went out past the wait (ms, max and 99th percentile), which
says whether the server kept up. /__stats?reset=1 starts the counts again.

Usage: slow_server.py --port 0 --pages N [--hosts 64] [--degree 8] [--wait-ms 200]
Prints "port PORT" once it listens, then serves until SIGTERM or SIGINT.
"""

import argparse
import asyncio
import json
import re
import signal
import sys

REQUEST_LINE = re.compile(rb"^GET (\S+) HTTP/1\.[01]\r\n", re.S)
HOST_HEADER = re.compile(rb"\r\nhost:[ \t]*([^:\r\n]+)", re.I)
FILLER = ("A page of the benchmark site. It stands for an article on a slow server: "
          "some text, a navigation list and links to pages on other hosts. ") * 6


class Site:
    def __init__(self, pages, hosts, degree, port):
        self.pages, self.hosts, self.degree, self.port = pages, hosts, degree, port

    def url(self, k):
        return f"http://h{k % self.hosts}.bench:{self.port}/p/{k}"

    def page(self, k):
        links = [c for c in range(self.degree * k + 1, self.degree * k + self.degree + 1)
                 if c < self.pages]
        links += [(k - 1) // self.degree if k else 0, 0,
                  (k * 2654435761) % self.pages, (k * 40503 + 17) % self.pages]
        items = "".join(f'<li><a href="{self.url(c)}">page {c}</a></li>\n' for c in links)
        return (f"<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Page {k}</title>"
                f"<meta name=\"description\" content=\"Benchmark page {k}\"></head>\n"
                f"<body><h1>Page {k}</h1>\n<p>{FILLER}</p>\n<ul>\n{items}</ul>\n"
                f"</body></html>\n").encode()


def response(status, body, content_type="text/html; charset=utf-8"):
    head = (f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode()
    return head + body


class Stats:
    def __init__(self):
        self.reset()

    def reset(self):
        self.requests = self.pages = self.connections = self.waiting = self.max_waiting = 0
        self.per_host = {}
        self.max_per_host = 0
        self.late = []


class Connection(asyncio.Protocol):
    def __init__(self, server):
        self.server = server
        self.buffer = b""
        self.transport = None

    def connection_made(self, transport):
        self.transport = transport
        self.server.stats.connections += 1

    def data_received(self, data):
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buffer) > 65536:
                    self.transport.close()
                return
            head, self.buffer = self.buffer[:end + 4], self.buffer[end + 4:]
            self.server.handle(self, head)

    def send(self, data):
        if not self.transport.is_closing():
            self.transport.write(data)


class Server:
    def __init__(self, site, wait_s):
        self.site, self.wait_s = site, wait_s
        self.stats = Stats()
        self.loop = asyncio.get_running_loop()

    def handle(self, conn, head):
        m = REQUEST_LINE.match(head)
        h = HOST_HEADER.search(head)
        path = m.group(1).decode("latin-1") if m else ""
        host = h.group(1).decode("latin-1").lower() if h else ""
        if path.startswith("/__stats"):
            conn.send(response("200 OK", self.report(path.endswith("reset=1")),
                               "application/json"))
            return
        s = self.stats
        s.requests += 1
        s.waiting += 1
        s.max_waiting = max(s.max_waiting, s.waiting)
        n = s.per_host.get(host, 0) + 1
        s.per_host[host] = n
        s.max_per_host = max(s.max_per_host, n)
        due = self.loop.time() + self.wait_s
        self.loop.call_at(due, self.answer, conn, path, host, due, s)

    def answer(self, conn, path, host, due, s):
        s.late.append(self.loop.time() - due)
        s.waiting -= 1
        s.per_host[host] -= 1
        k = -1
        if path.startswith("/p/") and path[3:].isdigit():
            k = int(path[3:])
        if 0 <= k < self.site.pages and host == f"h{k % self.site.hosts}.bench":
            s.pages += 1
            conn.send(response("200 OK", self.site.page(k)))
        else:
            conn.send(response("404 Not Found", b"not here\n", "text/plain"))

    def report(self, reset):
        s = self.stats
        late = sorted(s.late)
        out = {"requests": s.requests, "pages": s.pages, "connections": s.connections,
               "max_waiting": s.max_waiting,
               "max_waiting_per_host": s.max_per_host,
               "late_ms_max": round(late[-1] * 1000, 2) if late else 0,
               "late_ms_p99": round(late[int(len(late) * 0.99)] * 1000, 2) if late else 0}
        if reset:
            # Requests still waiting keep their own Stats object.
            self.stats = Stats()
        return json.dumps(out).encode() + b"\n"


async def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--pages", type=int, required=True)
    p.add_argument("--hosts", type=int, default=64)
    p.add_argument("--degree", type=int, default=8)
    p.add_argument("--wait-ms", type=float, default=200)
    a = p.parse_args()
    loop = asyncio.get_running_loop()
    site = Site(a.pages, a.hosts, a.degree, 0)
    server = Server(site, a.wait_ms / 1000)
    listener = await loop.create_server(lambda: Connection(server), "127.0.0.1", a.port,
                                        backlog=1024)
    site.port = listener.sockets[0].getsockname()[1]
    print(f"port {site.port}", flush=True)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    listener.close()


if __name__ == "__main__":
    asyncio.run(main())
    sys.exit(0)
