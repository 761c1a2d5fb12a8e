"""How `new` (新提法) does on hand-labelled reports (issue 35): per report, the recall of the labelled
formulations in the whole list (each as itself) and the precision of the top 20 (a listed phrase that is a
label, or a label with at most two characters added or cut, counts), then the top 20 marked ✓/✗. A label
the default baseline already writes (`old`: the labeller read fewer earlier reports) is left out of recall.

    python bench/novelty_labels.py --home DIR [--labels tests/novelty/new_labels.tsv] [--quiet]

`judged`: the top 20's precision by the blind judges' verdicts (tests/novelty/judged_top20_round*.tsv,
every phrase a judge saw in a top 20: worth 1 or 0); a phrase no judge has seen counts as a miss and is
listed, to be judged by a fresh judge before the number is reported.

Not a test: it prints numbers (the labels are judged by hand; the held-out file is read once, at the end).
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
from index.engine import novelty  # noqa: E402


def folded(text: str) -> str:
    """Labels and phrases compared as `new` lists them: normalized (＋ is +, 、 is ，, spaces out)."""
    return normalize_text(text)


def matches(phrase: str, labels: set[str]) -> bool:
    p = folded(phrase)
    return any(p == lab or ((lab in p or p in lab) and abs(len(p) - len(lab)) <= 2) for lab in labels)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--home", required=True)
    ap.add_argument("--labels", default=str(ROOT / "tests/novelty/new_labels.tsv"))
    ap.add_argument("--quiet", action="store_true", help="Only the numbers.")
    args = ap.parse_args()
    worth = {}
    for path in sorted((ROOT / "tests/novelty").glob("judged_top20_round*.tsv")):
        with open(path, encoding="utf-8") as f:
            for row in csv.DictReader(f, delimiter="\t"):
                if row["worth"].strip():
                    worth[(row["report"], row["phrase"])] = row["worth"].strip() == "1"
    labels: dict[str, set[str]] = defaultdict(set)
    with open(args.labels, encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            labels[row["report"]].add(folded(row["phrase"]))
    backend = LocalBackend(Home(Path(args.home)))
    corpus = backend.corpus
    print(f"{'report':<14} {'labels':>6} {'old':>4} {'listed':>6} {'recall':>7} {'top20':>6} {'judged':>6} {'seconds':>7}")
    recalls, precisions, judged, unjudged = [], [], [], []
    for report, wanted in labels.items():
        t = time.perf_counter()
        nv = backend.new_phrases(report, None, None)
        seconds = time.perf_counter() - t
        listed = {folded(p.phrase) for p in nv.phrases}
        # A label the default baseline already writes is not new by the contract's definition (the
        # labeller may have read fewer earlier reports): counted apart.
        report_info = novelty.resolve_report(corpus, report)
        seen = novelty._baseline_index(corpus, novelty.baseline_of(corpus, report_info, None))
        old = {lab for lab in wanted if lab in seen}
        wanted = wanted - old
        recall = len(wanted & listed) / len(wanted)
        top = nv.phrases[:20]
        good = [matches(p.phrase, wanted) for p in top]
        precision = sum(good) / max(1, len(top))
        verdicts = [worth.get((report, p.phrase)) for p in top]
        unjudged += [(report, p.phrase) for p, v in zip(top, verdicts) if v is None]
        recalls.append(recall)
        precisions.append(precision)
        judged.append(sum(bool(v) for v in verdicts) / max(1, len(top)))
        print(f"{report:<14} {len(wanted):>6} {len(old):>4} {len(nv.phrases):>6} {recall:>7.0%} {precision:>6.0%} "
              f"{judged[-1]:>6.0%} {seconds:>7.2f}")
        if not args.quiet:
            print("   " + " ".join(("✓" if g else "✗") + p.phrase for p, g in zip(top, good)))
            missed = sorted(wanted - listed)
            print(f"   missed ({len(missed)}): " + " ".join(missed[:40]) + (" …" if len(missed) > 40 else ""))
    print(f"{'all':<14} {'':>6} {'':>4} {'':>6} {sum(recalls) / len(recalls):>7.0%} {sum(precisions) / len(precisions):>6.0%} "
          f"{sum(judged) / len(judged):>6.0%}")
    if unjudged:
        print(f"unjudged in a top 20 (counted as misses): {len(unjudged)}: "
              + " ".join(f"{r}:{p}" for r, p in unjudged))


if __name__ == "__main__":
    main()
