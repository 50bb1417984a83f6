#!/usr/bin/env python3
"""Writes reports.warc.gz, the WARC fixture of sitrep's ingest tests, with warcio (pip install warcio).

The pages are our own example reports (examples/reports) wrapped in HTML, archived as a crawler
would: a warcinfo record, a request and a response record per page (one gzip member each, as in
Common Crawl's CC-NEWS), plus a 404 and an image response that must be skipped with a reason.

Usage: python3 test_data/warc/make_fixture.py [OUT]   (default: test_data/warc/reports.warc.gz)
"""
import gzip
import html
import io
import os
import sys
import urllib.parse

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REPORTS = os.path.join(ROOT, "examples", "reports")


def report(name):
    """Header fields and paragraphs of one example report."""
    with open(os.path.join(REPORTS, name), encoding="utf-8") as f:
        head, body = f.read().split("\n\n", 1)
    fields = dict(line.split(": ", 1) for line in head.splitlines())
    return fields, [p.strip() for p in body.split("\n\n") if p.strip()]


def page(fields, paragraphs, dated=True):
    meta = f'<meta property="article:published_time" content="{fields["published"]}T09:00:00Z">' if dated else ""
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(fields["title"])}</title>'
        f'<meta property="og:site_name" content="{html.escape(fields["outlet"])}">{meta}</head>'
        f"<body><nav><a href=\"/\">Home</a> <a href=\"/world\">World</a></nav><article>"
        f"<h1>{html.escape(fields['title'])}</h1>{body}</article>"
        f"<footer>All rights reserved.</footer></body></html>"
    ).encode("utf-8")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "test_data", "warc", "reports.warc.gz")
    with open(out, "wb") as f:
        writer = WARCWriter(f, gzip=True)
        writer.write_record(writer.create_warcinfo_record("reports.warc.gz", {"software": "warcio (sitrep fixture)"}))
        date = "2020-11-18T06:00:00Z"

        def request(uri):
            parts = urllib.parse.urlsplit(uri)
            http = StatusAndHeaders(f"GET {parts.path or '/'} HTTP/1.1",
                                    [("Host", parts.netloc), ("User-Agent", "sitrep-fixture")],
                                    is_http_request=True)
            writer.write_record(writer.create_warc_record(uri, "request", http_headers=http,
                                                          warc_headers_dict={"WARC-Date": date}))

        def response(uri, status, headers, payload):
            request(uri)
            http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(uri, "response", payload=io.BytesIO(payload),
                                                          http_headers=http,
                                                          warc_headers_dict={"WARC-Date": date}))

        fields, paragraphs = report("2019-12-27-k1-rockets-tigris-wire.txt")
        response(fields["url"], "200 OK", [("Content-Type", "text/html; charset=utf-8")], page(fields, paragraphs))

        # Served gzip-encoded: the reader must decompress it.
        fields, paragraphs = report("2020-11-18-green-zone-rockets-levant-daily.txt")
        body = gzip.compress(page(fields, paragraphs), mtime=0)
        response(fields["url"], "200 OK", [("Content-Type", "text/html"), ("Content-Encoding", "gzip")], body)

        response("https://levant-daily.example/missing", "404 Not Found", [("Content-Type", "text/html")],
                 b"<html><body><p>Not found</p></body></html>")
        response("https://levant-daily.example/logo.png", "200 OK", [("Content-Type", "image/png")],
                 b"\x89PNG\r\n\x1a\n not really")

        # No date on the page: the crawl date is the fallback.
        fields, paragraphs = report("2024-01-28-tower-22-drone-gulf-monitor.txt")
        response(fields["url"], "200 OK", [("Content-Type", "text/html; charset=UTF-8")],
                 page(fields, paragraphs, dated=False))


if __name__ == "__main__":
    main()
