#!/usr/bin/env python3
"""sitrep's speed and memory next to the tools users would pick instead, in one run.

Prints one JSON line per measurement:
  {"tool", "stage", "articles", "bytes", "seconds", "articles_per_s", "mb_per_s", "peak_rss_mb"}
and then one line per comparison: {"ratio", "stage", "sitrep_per_s", "peer_per_s", "value"}.
Every figure is a whole process measured from outside (wall clock, peak RSS from wait4), so
start-up and loading count for both sides. See bench/README.md.
"""

import argparse
import glob
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
results = []


def run(cmd, stdout=subprocess.DEVNULL, env=None):
    """Runs a command; returns (seconds, peak RSS in MB). Fails loudly. The CPU time it used
    (user + system) is kept in run.cpu for the caller."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    err = proc.stderr.read().decode("utf-8", "replace")
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 2):  # sitrep exits 2 when it skipped some input
        sys.exit(f"bench: {' '.join(cmd)} failed ({proc.returncode}):\n{err[-2000:]}")
    run.cpu = usage.ru_utime + usage.ru_stime
    return seconds, usage.ru_maxrss / 1024.0


def emit(tool, stage, articles, nbytes, seconds, rss, **extra):
    line = {
        "tool": tool,
        "stage": stage,
        "articles": articles,
        "bytes": nbytes,
        "seconds": round(seconds, 3),
        "articles_per_s": round(articles / seconds, 1) if seconds > 0 else None,
        "mb_per_s": round(nbytes / 1e6 / seconds, 2) if seconds > 0 else None,
        "peak_rss_mb": round(rss, 1),
    }
    line.update(extra)
    results.append(line)
    print(json.dumps(line), flush=True)


def ratio(stage, sitrep_tool, peer_tool, key="articles_per_s", extra=None):
    a = [r for r in results if r["tool"] == sitrep_tool and r["stage"] == stage]
    b = [r for r in results if r["tool"] == peer_tool and r["stage"] == stage]
    if a and b and b[-1][key]:
        line = {"ratio": f"{sitrep_tool}/{peer_tool}", "stage": stage, "sitrep_per_s": a[-1][key],
                "peer_per_s": b[-1][key], "value": round(a[-1][key] / b[-1][key], 1)}
        if extra:
            line.update(extra)
        print(json.dumps(line), flush=True)


def corpus(path, n, kinds):
    cmd = [sys.executable, os.path.join(HERE, "corpus.py"), "--data", args.data, "--out", path,
           "--articles", str(n), "--kinds", kinds] + (["--fixed-dates"] if args.fixed_dates else [])
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(out.stdout)["bytes"]


def sitrep(*a):
    return [args.sitrep, *a]


def stage_gazetteer(tmp):
    one = os.path.join(tmp, "one.txt")
    with open(one, "w") as f:
        f.write("Rockets hit the K1 base near Kirkuk on Friday.\n")
    # Best of 5: loading is short and a shared machine is noisy.
    s = min((run(sitrep("analyze", one, "--format", "jsonl")) for _ in range(5)), key=lambda r: r[0])
    emit("sitrep", "gazetteer_load", 0, 0, s[0], s[1], note="process start + gazetteer + rules + one sentence")
    if args.python:
        p = run([args.python, os.path.join(HERE, "peer_analyze.py"), "--load-only"])
        emit("spacy+dateparser", "gazetteer_load", 0, 0, p[0], p[1], note="interpreter + spaCy + EntityRuler")


def stage_analyze(tmp, n):
    path = os.path.join(tmp, f"analyze-{n}.jsonl")
    nbytes = corpus(path, n, "wikievents,muc4,pages")
    s = run(sitrep("analyze", path, "--format", "jsonl"))
    emit("sitrep", "analyze", n, nbytes, *s)
    if args.python:
        peer_n = min(n, args.peer_articles)
        peer_path = path
        if peer_n < n:
            peer_path = os.path.join(tmp, f"analyze-peer-{peer_n}.jsonl")
            nb = corpus(peer_path, peer_n, "wikievents,muc4,pages")
        else:
            nb = nbytes
        p = run([args.python, os.path.join(HERE, "peer_analyze.py"), peer_path])
        emit("spacy+dateparser", "analyze", peer_n, nb, *p)
        ratio("analyze", "sitrep", "spacy+dateparser", extra={"target": 50})


def stage_ingest(tmp, n, kinds="wikievents,muc4,pages", label=None, threads=0):
    fixed = "-fixed-dates" if args.fixed_dates else ""
    path = os.path.join(tmp, f"ingest-{n}-{kinds.replace(',', '_')}{fixed}.jsonl")
    if not os.path.exists(path):
        nbytes = corpus(path, n, kinds)
    else:
        nbytes = sum(len(json.loads(l)["text"].encode()) for l in open(path, encoding="utf-8"))
    db = os.path.join(tmp, f"ingest-{n}.db")
    for f in glob.glob(db + "*"):
        os.remove(f)
    cmd = sitrep("--db", db, "ingest", "--json", "--threads", str(threads), path)
    summary = os.path.join(tmp, "ingest-summary.json")
    with open(summary, "wb") as out:
        s = run(cmd, stdout=out)
    extra = {"corpus": kinds + fixed}
    # What the articles became: new texts analysed, copies recorded as sightings, events.
    try:
        text = open(summary, encoding="utf-8").read()
        report = json.loads(text[text.index("{"):text.rindex("}") + 1])
        extra.update({"articles_new": report.get("articles_new"), "duplicates": report.get("duplicates"),
                      "near_duplicates": sum((report.get("near_duplicates") or {}).values()),
                      "events": report.get("events_new"), "merge_reads": report.get("merge_reads")})
    except ValueError:
        pass
    extra["threads"] = threads or os.cpu_count()
    # Articles per CPU-second: the rate per core, whatever the number of threads.
    extra["cpu_seconds"] = round(run.cpu, 2)
    extra["articles_per_cpu_s"] = round(n / run.cpu, 1) if run.cpu > 0 else None
    emit("sitrep", label or "ingest", n, nbytes, *s, **extra)
    return db, n


def stage_export(db, n):
    out = os.path.join(os.path.dirname(db), "export.jsonl")
    with open(out, "wb") as f:
        s = run(sitrep("--db", db, "export", "--format", "jsonl"), stdout=f)
    events = sum(1 for _ in open(out, encoding="utf-8"))
    emit("sitrep", "export", n, os.path.getsize(out), *s, events=events)


def stage_clean(tmp, copies):
    src = os.path.join(args.data, "article-extraction-benchmark", "html")
    pages = sorted(glob.glob(os.path.join(src, "*.html.gz")))
    if not pages:
        print(json.dumps({"skipped": "clean", "reason": f"no pages in {src}"}), flush=True)
        return
    # Decompressed copies, so that both sides read plain HTML files.
    d = os.path.join(tmp, "pages")
    os.makedirs(d, exist_ok=True)
    files = []
    for c in range(copies):
        for p in pages:
            dst = os.path.join(d, f"{c}-{os.path.basename(p)[:-3]}")
            with gzip.open(p, "rb") as fi, open(dst, "wb") as fo:
                shutil.copyfileobj(fi, fo)
            files.append(dst)
    nbytes = sum(os.path.getsize(f) for f in files)
    probe = subprocess.run(sitrep("clean", "--help"), capture_output=True)
    if probe.returncode != 0:
        print(json.dumps({"skipped": "clean", "reason": "this sitrep has no `clean` command"}), flush=True)
    else:
        # On every core (sitrep's default); the per-CPU-second rate compares one core with one.
        s = run(sitrep("clean", "--format", "jsonl", *files))
        emit("sitrep", "clean", len(files), nbytes, *s, threads=os.cpu_count(), cpu_seconds=round(run.cpu, 3),
             articles_per_cpu_s=round(len(files) / run.cpu, 1) if run.cpu > 0 else None)
    if args.python:
        lst = os.path.join(tmp, "pages.txt")
        with open(lst, "w") as f:
            f.write("\n".join(files))
        code = ("import sys, trafilatura\n"
                "for p in open(sys.argv[1]).read().split('\\n'):\n"
                "    trafilatura.extract(open(p, 'rb').read(), include_comments=False)\n")
        p = run([args.python, "-c", code, lst])
        emit("trafilatura", "clean", len(files), nbytes, *p, threads=1, cpu_seconds=round(run.cpu, 3),
             articles_per_cpu_s=round(len(files) / run.cpu, 1) if run.cpu > 0 else None)
        ratio("clean", "sitrep", "trafilatura", extra={"target": 20})
        ratio("clean", "sitrep", "trafilatura", key="articles_per_cpu_s", extra={"per": "cpu_second"})


def main():
    global args
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="small sizes, under 5 minutes")
    ap.add_argument("--sitrep", default=os.path.join(ROOT, "target", "release", "sitrep"))
    ap.add_argument("--python", default=None, help="a Python with spaCy, dateparser and trafilatura (peers)")
    ap.add_argument("--data", default=os.path.join(ROOT, "..", "shared", "data"))
    ap.add_argument("--peer-articles", type=int, default=None, help="articles for the slow peer")
    ap.add_argument("--scaling", default=None, help="comma-separated ingest sizes (default: 10k,100k,1M; quick: none)")
    ap.add_argument("--keep", default=None, help="keep the work folder here")
    ap.add_argument("--threads", default="1,2", help="comma-separated thread counts for the scaling run")
    ap.add_argument("--scaling-only", action="store_true", help="run the scaling run alone")
    ap.add_argument("--fixed-dates", action="store_true",
                    help="copies keep their text's dates (see README: the pile-up a real stream never has)")
    args = ap.parse_args()
    if not os.path.isdir(args.data):
        sys.exit(f"bench: {args.data} not found (the benchmark reads real text from ../shared/data)")
    if args.peer_articles is None:
        args.peer_articles = 300 if args.quick else 2000
    tmp = args.keep or tempfile.mkdtemp(prefix="sitrep-bench-")
    os.makedirs(tmp, exist_ok=True)
    try:
        if not args.scaling_only:
            stage_gazetteer(tmp)
            stage_clean(tmp, 3 if args.quick else 5)
            stage_analyze(tmp, 2000 if args.quick else 20000)
            db, n = stage_ingest(tmp, 5000 if args.quick else 100000)
            stage_export(db, n)
        sizes = args.scaling or ("" if args.quick else "10000,100000,1000000")
        for size in [int(s) for s in sizes.split(",") if s]:
            for threads in [int(t) for t in args.threads.split(",") if t]:
                stage_ingest(tmp, size, label="ingest_scaling", threads=threads)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
