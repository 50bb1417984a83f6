"""Scores extracted bodies with the article-extraction benchmark's metric and prints a comparison.

Usage: score.py DATA_DIR NAME=RESULT.json...
Metric: multisets of 4-gram shingles of \\w+ tokens; per page tp, fp and fn are normalised by their
sum; precision and recall are averaged over pages, and F1 is computed from the two averages.
"""
import json
import re
import sys
from collections import Counter

TOKEN = re.compile(r"\w+", re.UNICODE)


def shingles(text: str) -> Counter:
    tokens = TOKEN.findall(text or "")
    if len(tokens) < 4:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i : i + 4]) for i in range(len(tokens) - 3))


def score(truth: dict, bodies: dict) -> tuple[float, float, float]:
    p_sum = r_sum = 0.0
    for page_hash, page in truth.items():
        expected = shingles(page["articleBody"])
        predicted = shingles(bodies.get(page_hash, {}).get("articleBody", ""))
        tp = sum((predicted & expected).values())
        fp = sum(predicted.values()) - tp
        fn = sum(expected.values()) - tp
        total = max(tp + fp + fn, 1)
        tp, fp, fn = tp / total, fp / total, fn / total
        p_sum += tp / (tp + fp) if tp + fp > 0 else 0.0
        r_sum += tp / (tp + fn) if tp + fn > 0 else 0.0
    p, r = p_sum / len(truth), r_sum / len(truth)
    return p, r, 2 * p * r / (p + r) if p + r > 0 else 0.0


def main() -> None:
    with open(f"{sys.argv[1]}/ground-truth.json", encoding="utf-8") as f:
        truth = json.load(f)
    speeds = {}
    for arg in sys.argv[2:]:
        name, path = arg.split("=", 1)
        with open(path, encoding="utf-8") as f:
            result = json.load(f)
        p, r, f1 = score(truth, result["bodies"])
        speeds[name] = result["pages"] / result["seconds"]
        print(f"{name:<12} pages {result['pages']:>4}  precision {p:.3f}  recall {r:.3f}  F1 {f1:.3f}  {speeds[name]:>8.1f} pages/s")
    # The last result is the peer every other one is compared with.
    names = list(speeds)
    for name in names[:-1]:
        print(f"speed ratio {name}/{names[-1]}: {speeds[name] / speeds[names[-1]]:.1f}x")


if __name__ == "__main__":
    main()
