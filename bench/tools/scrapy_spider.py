"""Scrapy competitor for the forage crawl benchmark.

Run with Debian's interpreter (python3-scrapy 2.8):

    /usr/bin/python3 -m scrapy runspider bench/tools/scrapy_spider.py -a start=START -O OUT.jsonl -L WARNING

Starts at START, follows <a href> and <area href> links on the same host and
port whose path ends in ".html", ".htm" or "/" (fragment dropped, query kept),
and yields one item per response: {"url", "status", "title", "links"}.
Duplicates are left to Scrapy's own dupefilter. Error responses (404, ...) are
recorded too (HTTPERROR_ALLOW_ALL) but their links are not followed.
"""

import re
from urllib.parse import urldefrag, urlsplit

import scrapy

HTML_PATH = re.compile(r"(\.html?|/)$")


class SiteSpider(scrapy.Spider):
    name = "site"
    custom_settings = {
        "CONCURRENT_REQUESTS": 32,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 32,
        "ROBOTSTXT_OBEY": False,
        "AUTOTHROTTLE_ENABLED": False,
        "DOWNLOAD_DELAY": 0,
        "HTTPCACHE_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "WARNING",
        "HTTPERROR_ALLOW_ALL": True,
        "DEPTH_LIMIT": 0,
        "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
    }

    def __init__(self, start, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.start = start
        self.netloc = urlsplit(start).netloc
        # The offsite middleware compares hosts only; the port is checked in parse.
        self.allowed_domains = [urlsplit(start).hostname]

    def start_requests(self):
        # Not dont_filter (Scrapy's default for start URLs): the dupefilter
        # must see the start page too, or it is fetched again when linked.
        yield scrapy.Request(self.start, callback=self.parse)

    def parse(self, response):
        if not isinstance(response, scrapy.http.HtmlResponse):
            return
        links = []
        for href in response.xpath("//a/@href | //area/@href").getall():
            url = urldefrag(response.urljoin(href.strip()))[0]
            if url.startswith(("http://", "https://")):
                links.append(url)
        links = list(dict.fromkeys(links))  # each link once, in page order
        yield {
            "url": response.url,
            "status": response.status,
            "title": response.xpath("normalize-space(//title)").get(),
            "links": links,
        }
        if response.status != 200:
            return
        for url in links:
            parts = urlsplit(url)
            if parts.netloc == self.netloc and HTML_PATH.search(parts.path):
                yield scrapy.Request(url, callback=self.parse)
