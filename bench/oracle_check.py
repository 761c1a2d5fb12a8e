"""Compare a whole home with the oracle (tests/oracle.py): the acceptance checks of the trust issue,
run over every report of a built home (e.g. the one `bench/run.py --home DIR` leaves).

    python bench/oracle_check.py --home DIR [--cases N] [--seed S]

Prints, per check, how many cases were tried and how many disagreed (with the first few). Not a test:
the test suite runs the same comparisons on the seeds and a corpus sample.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index import Home, search, trend, verify  # noqa: E402
from tests.oracle import Oracle  # noqa: E402

_WORDY = re.compile(r"[\w\u3400-\u9fff]")


def searchable(needle: str) -> bool:
    return bool(_WORDY.search(needle)) and needle == needle.strip().strip('"')


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--home", type=Path, required=True)
    ap.add_argument("--cases", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    home = Home(args.home)
    t0 = time.perf_counter()
    oracle = Oracle(home)
    print(f"oracle over {len(oracle.reports):,} reports, {len(oracle.sections):,} sections in {time.perf_counter() - t0:.0f} s")
    lines = [ln for lines in oracle.sections.values() for ln in lines]
    heads = [ln for ln in lines if ln.kind in ("heading", "title") and ln.norm]
    results: dict[str, list] = {}

    def record(check: str, ok: bool, case) -> None:
        results.setdefault(check, []).append(None if ok else case)

    # search -e of a heading or title substring finds that section, with the oracle's counts
    for line in rng.sample(heads, min(args.cases, len(heads))):
        length = rng.randint(2, min(12, len(line.norm))) if len(line.norm) > 1 else 1
        start = rng.randint(0, len(line.norm) - length)
        needle = line.norm[start:start + length]
        if not searchable(needle):
            continue
        res = search(home, needle, exact=True, limit=None, filters={"report": line.report}, with_duplicates=True)
        found = {(h.report, h.section_id) for h in res.hits}
        record("heading/title substring finds its section", (line.report, line.section) in found, (needle, line.report, line.section))

    # exact strings anywhere: occurrences = sum of hits = trend total = oracle; no two transcriptions
    needles = ["新质生产力", "高质量发展", "改革开放", "人民公社", "00", "一一", "%", "碳", "六稳", "营商环境"]
    for line in rng.sample(lines, min(args.cases // 3, len(lines))):
        if line.norm:
            length = rng.randint(1, min(10, len(line.norm)))
            start = rng.randint(0, len(line.norm) - length)
            needles.append(line.norm[start:start + length])
    for needle in filter(searchable, needles):
        truth = oracle.counts(needle)
        res = search(home, needle, exact=True, limit=None)
        got = {(h.report, h.section_id): h.count for h in res.hits}
        total = trend(home, [needle]).terms[0].total
        record("exact hits and counts = oracle", got == truth, needle)
        record("occurrences = sum of hits = trend total", res.occurrences == sum(got.values()) == total, needle)
        reports = {h.report for h in res.hits}
        record("no two transcriptions in a default search",
               not {oracle.reports[r].duplicate_of for r in reports} & reports, needle)

    # a quote copied from a heading into the sentence under it
    starts = [ls for ls in oracle.sections.values()
              if ls[0].kind == "heading" and len(ls) > 1 and ls[1].kind == "body" and len(ls[1].text) > 20 and len(ls[0].norm) >= 4]
    for ls in rng.sample(starts, min(args.cases, len(starts))):
        quote = ls[0].text + "\n" + re.split(r"(?<=[。；！？])", ls[1].text)[0][:60]
        places = oracle.verbatim(quote)
        v = verify(home, quote)
        ok = v.verdict == "exact" and all((m.report, m.section_id, m.paragraph) in places for m in v.matches)
        record("verbatim quote across a heading is exact", ok, (quote[:40], v.verdict))

    for check, cases in results.items():
        bad = [c for c in cases if c is not None]
        print(f"{check:48} {len(cases):5} cases · {len(bad)} disagree" + (f" · e.g. {bad[:3]}" if bad else ""))
    home.close()


if __name__ == "__main__":
    main()
