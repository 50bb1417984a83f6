#!/usr/bin/env python3
"""The analysis a Python user would write instead of sitrep: spaCy (blank English, a sentencizer
and an EntityRuler holding the same actor and place names as sitrep's gazetteer) plus dateparser
for dates. Reads sitrep's JSONL articles, writes one JSON line per article with its entities and
dates, like `sitrep analyze --format jsonl` does. With --load-only it just builds the pipeline.
"""

import argparse
import json
import os
import sys
import time
import tomllib

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def names():
    """(label, name) pairs: every actor name and alias, every place name and alternate."""
    out = []
    with open(os.path.join(ROOT, "data", "actors.toml"), "rb") as f:
        for actor in tomllib.load(f).get("actor", []):
            for n in [actor.get("name", "")] + actor.get("aliases", []):
                if n:
                    out.append(("ACTOR", n))
    places = os.path.join(ROOT, "data", "places")
    columns = {"geonames.tsv": (1, 7), "countries.tsv": (1, 2), "admin1.tsv": (1, 6), "curated.tsv": (1, None)}
    for file, (name_col, alt_col) in columns.items():
        path = os.path.join(places, file)
        for line in open(path, encoding="utf-8"):
            if line.startswith("#") or not line.strip():
                continue
            cols = line.rstrip("\n").split("\t")
            if len(cols) <= name_col:
                continue
            out.append(("PLACE", cols[name_col]))
            if alt_col is not None and len(cols) > alt_col:
                out.extend(("PLACE", a) for a in cols[alt_col].split("|") if a)
    return out


def build():
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    # Case-insensitive phrase matching, as sitrep matches names regardless of case.
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    seen = set()
    patterns = []
    for label, name in names():
        if (label, name.lower()) not in seen:
            seen.add((label, name.lower()))
            patterns.append({"label": label, "pattern": name})
    ruler.add_patterns(patterns)
    return nlp, len(patterns)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("input", nargs="?")
    ap.add_argument("--load-only", action="store_true")
    args = ap.parse_args()
    t0 = time.perf_counter()
    nlp, n = build()
    print(f"peer: {n} patterns loaded in {time.perf_counter() - t0:.2f} s", file=sys.stderr)
    if args.load_only:
        return
    from dateparser.search import search_dates

    out = sys.stdout
    for line in open(args.input, encoding="utf-8"):
        article = json.loads(line)
        text = article["text"]
        base = article.get("published")
        settings = {"PREFER_DATES_FROM": "past"}
        if base:
            import datetime

            settings["RELATIVE_BASE"] = datetime.datetime.fromisoformat(base)
        doc = nlp(text)
        ents = [{"label": e.label_, "text": e.text, "start": e.start_char, "end": e.end_char} for e in doc.ents]
        dates = []
        for sent in doc.sents:
            found = search_dates(sent.text, languages=["en"], settings=settings) or []
            dates.extend({"text": t, "date": d.date().isoformat()} for t, d in found)
        out.write(json.dumps({"id": article.get("id"), "entities": ents, "dates": dates}) + "\n")


if __name__ == "__main__":
    main()
