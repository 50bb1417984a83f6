#!/usr/bin/env python3
"""Builds benchmark corpora from the real text in ../shared/data (see bench/README.md).

Writes JSONL articles in sitrep's input format ({"id", "url", "title", "published", "outlet",
"text"}) and lists the real HTML pages for the cleaning stage. Real units of text (WikiEvents and
MUC-4 documents, the benchmark pages' article bodies, UCDP source headlines, CASE snippets) are
repeated until the requested size, each copy with a distinct id, outlet and publication date, made
of about a third of the text's sentences (chosen per copy) and a third of each of two other texts, so
that most copies are new articles to sitrep's content-id and near-duplicate checks, as in a real
firehose where the same story is told again in other words.
"""

import argparse
import csv
import json
import os
import re
import sys
import zlib
from datetime import date, timedelta

csv.field_size_limit(1 << 24)


def units(data):
    """(kind, title, text) triples of real text, longest kinds first."""
    out = []
    for name in ("test.jsonl", "dev.jsonl"):
        path = os.path.join(data, "wikievents", name)
        if os.path.exists(path):
            for line in open(path, encoding="utf-8"):
                doc = json.loads(line)
                text = doc.get("text", "").strip()
                if text:
                    out.append(("wikievents", text.split(".")[0][:120], text))
    path = os.path.join(data, "muc4", "grit_processed_test.json")
    if os.path.exists(path):
        for line in open(path, encoding="utf-8"):
            line = line.strip()
            if line:
                doc = json.loads(line)
                text = " ".join(doc.get("doctext", "").split())
                if text:
                    out.append(("muc4", doc.get("docid", ""), text))
    path = os.path.join(data, "article-extraction-benchmark", "ground-truth.json")
    if os.path.exists(path):
        for key, page in json.load(open(path, encoding="utf-8")).items():
            text = (page.get("articleBody") or "").strip()
            if text:
                out.append(("pages", page.get("url", key)[:120], text))
    path = os.path.join(data, "ucdp_ged_syria", "ged_syria_2016_2019.csv")
    if os.path.exists(path):
        seen = set()
        for row in csv.DictReader(open(path, encoding="utf-8", newline="")):
            for headline in (row.get("source_headline") or "").split(";"):
                headline = headline.strip()
                if len(headline) > 30 and headline not in seen:
                    seen.add(headline)
                    out.append(("ucdp", headline[:120], headline))
    path = os.path.join(data, "case2021_task2", "test_set_final_release_with_labels.tsv")
    if os.path.exists(path):
        for row in csv.DictReader(open(path, encoding="utf-8", newline=""), delimiter="\t"):
            text = (row.get("EventSnippet") or "").strip()
            if text:
                out.append(("case", text[:120], text))
    return out


SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)")


def sentences(text):
    return [s for s in SENTENCE_END.split(text) if s.strip()]


def variant(i, text, pool):
    """Copy i of a text: about a third of its sentences (chosen per copy) and about a third of the
    sentences of each of two other texts of the pool, so that a copy is about as long as the texts
    it is made from. Real firehoses repeat stories in other words; a copy that keeps most of one
    text would be a near-duplicate to sitrep and never reach the analysis."""
    def third(j, sents):
        return [s for k, s in enumerate(sents) if zlib.crc32(f"{i}:{j}:{k}".encode()) % 3 == 0] or sents[:1]
    parts = third(0, sentences(text))
    for j in (1, 2):
        other = pool[zlib.crc32(f"{i}/{j}".encode()) % len(pool)][2]
        parts += third(j, sentences(other))
    return " ".join(parts)


def write_articles(path, pool, n, start=date(2016, 1, 1), per_day=700):
    """n articles cycling through pool; ~per_day articles share a publication date."""
    total = 0
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            kind, title, text = pool[i % len(pool)]
            copy = i // len(pool)
            published = start + timedelta(days=i // per_day)
            body = text if copy == 0 else variant(i, text, pool)
            line = json.dumps(
                {
                    "id": f"bench-{i}",
                    "url": f"https://bench.example/{kind}/{i}",
                    "title": title,
                    "published": published.isoformat(),
                    "outlet": f"Outlet {i % 97}",
                    "text": body,
                },
                ensure_ascii=False,
            )
            f.write(line + "\n")
            total += len(body.encode("utf-8"))
    return total


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data"))
    ap.add_argument("--out", required=True, help="the JSONL file to write")
    ap.add_argument("--articles", type=int, required=True)
    ap.add_argument("--kinds", default="wikievents,muc4,pages,ucdp,case",
                    help="comma-separated kinds of text to use")
    args = ap.parse_args()
    if not os.path.isdir(args.data):
        sys.exit(f"corpus: {args.data} not found: the benchmark needs ../shared/data")
    kinds = set(args.kinds.split(","))
    pool = [u for u in units(args.data) if u[0] in kinds]
    if not pool:
        sys.exit("corpus: no text found for kinds " + args.kinds)
    # Interleave kinds so that every prefix of the corpus has the same mix.
    by_kind = {}
    for u in pool:
        by_kind.setdefault(u[0], []).append(u)
    mixed, iters = [], [iter(v) for v in by_kind.values()]
    while iters:
        for it in list(iters):
            try:
                mixed.append(next(it))
            except StopIteration:
                iters.remove(it)
    nbytes = write_articles(args.out, mixed, args.articles)
    counts = {k: len(v) for k, v in by_kind.items()}
    print(json.dumps({"corpus": args.out, "articles": args.articles, "bytes": nbytes, "units": counts}))


if __name__ == "__main__":
    main()
