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


MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december"]
MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|" \
        r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
DATE = re.compile(
    rf"\b(?:(?P<md_m>{MONTH})\s+(?P<md_d>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<md_y>(?:19|20)\d\d))?"
    rf"|(?P<dm_d>\d{{1,2}})\s+(?P<dm_m>{MONTH})(?:\s+(?P<dm_y>(?:19|20)\d\d))?"
    rf"|(?P<iso>(?:19|20)\d\d-\d\d-\d\d)|(?P<year>(?:19|20)\d\d))\b", re.I)


def month_number(word):
    word = word.lower().rstrip(".")
    return next((k + 1 for k, m in enumerate(MONTHS) if m.startswith(word[:3])), None)


def shift_dates(text, days, reference):
    """The text with its dates moved by `days`, each written as it was: a copy published later
    reports its events later, as a real firehose does. Without this, every copy of a text names
    the same absolute dates, and the 2,000-odd copies of a text in a million-article corpus pile
    onto the same few events and days, which no real news stream does. `reference` supplies the
    year of dates written without one."""
    years = round(days / 365.25)

    def moved(m):
        try:
            if m.group("iso"):
                return (date.fromisoformat(m.group("iso")) + timedelta(days=days)).isoformat()
            if m.group("year"):
                return str(int(m.group("year")) + years)
            month_word = m.group("md_m") or m.group("dm_m")
            month = month_number(month_word)
            day = int(m.group("md_d") or m.group("dm_d"))
            year_text = m.group("md_y") or m.group("dm_y")
            new = date(int(year_text) if year_text else reference.year, month, day) + timedelta(days=days)
        except (TypeError, ValueError):
            return m.group(0)
        name = MONTHS[new.month - 1]
        if month_word.rstrip(".").lower() not in MONTHS:
            name = name[:3] + ("." if month_word.endswith(".") else "")
        name = name.capitalize() if month_word[0].isupper() else name
        if m.group("md_m"):
            return f"{name} {new.day}" + (f", {new.year}" if year_text else "")
        return f"{new.day} {name}" + (f" {new.year}" if year_text else "")

    return DATE.sub(moved, text)


def write_articles(path, pool, n, start=date(2016, 1, 1), per_day=700, fixed_dates=False):
    """n articles cycling through pool; ~per_day articles share a publication date. A copy's dates
    move with its publication date unless `fixed_dates`."""
    total = 0
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            kind, title, text = pool[i % len(pool)]
            copy = i // len(pool)
            published = start + timedelta(days=i // per_day)
            body = text if copy == 0 else variant(i, text, pool)
            if copy and not fixed_dates:
                first = start + timedelta(days=(i % len(pool)) // per_day)
                body = shift_dates(body, (published - first).days, first)
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
    ap.add_argument("--fixed-dates", action="store_true",
                    help="keep the dates of every copy as in its text (the pile-up a real stream never has)")
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
    nbytes = write_articles(args.out, mixed, args.articles, fixed_dates=args.fixed_dates)
    counts = {k: len(v) for k, v in by_kind.items()}
    print(json.dumps({"corpus": args.out, "articles": args.articles, "bytes": nbytes, "units": counts}))


if __name__ == "__main__":
    main()
