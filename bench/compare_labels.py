"""How `compare` does on hand-labelled pairs (issue 36): per pair, the precision of the top 20 — a
listed phrase that is a label, or a label with at most two characters added or cut, counts; else the
blind judges' verdict (tests/compare/judged_round*.tsv), a phrase no judge has seen counted as a miss
and listed, to be judged before the number is reported — then the top 20 marked ✓ (label), + (judged
worth it), ✗, ? (unjudged), and the seconds each pair took.

    python bench/compare_labels.py --home DIR [--labels tests/compare/labels_fresh.tsv] [--quiet]

Not a test: it prints numbers (the labels are judged by hand).
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive import normalize_text  # noqa: E402
from index import Home, LocalBackend  # noqa: E402

PAIRS = {
    "2025vs2024": ("国务院_2025", "国务院_2024"),
    "prov2026vs2025": ("level:provincial year:2026", "level:provincial year:2025"),
    "nat2010s_vs_2000s": ("level:national year:2010-2019", "level:national year:2000-2009"),
    # the fresh set (tests/compare/labels_fresh.tsv), labelled after the feature was built
    "nat2020s_vs_2010s": ("level:national year:2020-2026", "level:national year:2010-2019"),
    "guangdong_vs_provinces": ("region:广东 level:provincial year:2025-2026", "level:provincial year:2025-2026 NOT region:广东"),
}


def matches(phrase: str, labels: set[str]) -> bool:
    p = normalize_text(phrase)
    return any(p == lab or ((lab in p or p in lab) and abs(len(p) - len(lab)) <= 2) for lab in labels)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--home", required=True)
    ap.add_argument("--labels", default=str(ROOT / "tests/compare/labels.tsv"))
    ap.add_argument("--quiet", action="store_true", help="Only the numbers.")
    args = ap.parse_args()
    labels: dict[str, set[str]] = defaultdict(set)
    with open(args.labels, encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            labels[row["pair"]].add(normalize_text(row["phrase"]))
    worth = {}
    for path in sorted((ROOT / "tests/compare").glob("judged_round*.tsv")):
        with open(path, encoding="utf-8") as f:
            for row in csv.DictReader(f, delimiter="\t"):
                if row["worth"].strip():
                    worth[(row["pair"], row["phrase"])] = row["worth"].strip() == "1"
    backend = LocalBackend(Home(Path(args.home)))
    print(f"{'pair':<18} {'listed':>6} {'labels':>6} {'judged':>6} {'top20':>6} {'seconds':>7}")
    precisions, unjudged = [], []
    for pair, (target, reference) in ((k, v) for k, v in PAIRS.items() if k in labels):
        t = time.perf_counter()
        cmp = backend.compare(target, reference, limit=20)
        seconds = time.perf_counter() - t
        marks = []
        for p in cmp.phrases:
            if matches(p.phrase, labels[pair]):
                marks.append("✓")
            elif (pair, p.phrase) in worth:
                marks.append("+" if worth[(pair, p.phrase)] else "✗")
            else:
                marks.append("?")
                unjudged.append((pair, p.phrase))
        top = len(cmp.phrases)
        by_label, judged = marks.count("✓"), marks.count("+")
        precisions.append((by_label + judged) / max(1, top))
        print(f"{pair:<18} {cmp.found:>6} {by_label:>6} {judged:>6} {precisions[-1]:>6.0%} {seconds:>7.2f}")
        if not args.quiet:
            print("   " + " ".join(m + p.phrase for m, p in zip(marks, cmp.phrases)))
    print(f"{'all':<18} {'':>6} {'':>6} {'':>6} {sum(precisions) / len(precisions):>6.0%}")
    if unjudged:
        print(f"unjudged (counted as misses): {len(unjudged)}")
        print("pair\tphrase\tworth")
        for pair, p in unjudged:
            print(f"{pair}\t{p}\t")


if __name__ == "__main__":
    main()
