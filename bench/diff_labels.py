"""How `diff` does on the hand-labelled pair (issue 37: tests/diff/labels.tsv, 国务院_2024 → 国务院_2025): for
each labelled sentence, whether diff calls it what the labeller did — a changed pair paired with the
same partner, a same, added or removed sentence so — and each labelled target's old and new value.

    python bench/diff_labels.py --home DIR [--quiet]

Not a test: it prints numbers (the labels are judged by hand).
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive import normalize_text  # noqa: E402
from index import Home, LocalBackend  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--home", required=True)
    ap.add_argument("--quiet", action="store_true", help="Only the numbers.")
    args = ap.parse_args()
    with open(ROOT / "tests/diff/labels.tsv", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f, delimiter="\t") if r["kind"] != "target"]
    backend = LocalBackend(Home(Path(args.home)))
    t = time.perf_counter()
    r = backend.diff("国务院_2024", "国务院_2025")
    seconds = time.perf_counter() - t
    by_old = {normalize_text(p.old_text): p for p in r.pairs if p.old_text}
    by_new = {normalize_text(p.new_text): p for p in r.pairs if p.new_text}
    right: dict[str, list[bool]] = {}
    misses = []
    for row in rows:
        old, new = normalize_text(row["old_sentence"]), normalize_text(row["new_sentence"])
        kind = row["kind"]
        if kind == "changed":
            p = by_old.get(old)
            ok = p is not None and p.kind == "changed" and normalize_text(p.new_text or "") == new
        elif kind == "same":
            ok = (p := by_new.get(new)) is not None and p.kind == "same"
        elif kind == "added":
            ok = (p := by_new.get(new)) is not None and p.kind == "added"
        else:
            ok = (p := by_old.get(old)) is not None and p.kind == "removed"
        right.setdefault(kind, []).append(ok)
        if not ok:
            got = (by_old.get(old) or by_new.get(new))
            misses.append(f"{kind}: {(row['old_sentence'] or row['new_sentence'])[:40]} → got "
                          f"{got.kind if got else 'no such sentence'}")
    print(f"diff 国务院_2024 国务院_2025: {seconds:.2f} s, {len(r.pairs)} pairs")
    for kind, oks in right.items():
        print(f"  {kind:<8} {sum(oks)}/{len(oks)} as labelled")
    total = [ok for oks in right.values() for ok in oks]
    print(f"  all      {sum(total)}/{len(total)} ({sum(total) / len(total):.0%})")
    if not args.quiet:
        for m in misses:
            print("   ✗ " + m)


if __name__ == "__main__":
    main()
