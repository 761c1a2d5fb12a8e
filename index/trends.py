"""Trends: how often terms stand in the archive, by year, region or level; each term's first mention.

Counts are exact-string counts from the substring index (the same normalization as search), per
live section, summed per report, then per bucket. A report recorded as a near-duplicate of another
is counted once (its original), unless `with_duplicates`.
"""

from __future__ import annotations

from archive import normalize_text

from . import filters, sectiontext, store
from .errors import QueryError
from .home import Home
from .model import Bucket, FirstMention, TermTrend, Trend
from .sectiontable import members

BY = ("year", "region", "level")


def trend(home: Home, terms, by: str = "year", *, region: str | None = None, level: str | None = None,
          year_from: int | None = None, year_to: int | None = None, per: int | None = None,
          with_duplicates: bool = False) -> Trend:
    import numpy as np

    if by not in BY:
        raise QueryError(f"cannot count by {by!r}", f"Use one of: {', '.join(BY)}.")
    terms = [t.strip() for t in terms if t and t.strip()]
    if not terms:
        raise QueryError("no terms to count", "Give one or more terms, or --file with one term a line.")
    chosen = [("region", region), ("level", level), ("year", None if year_from is None else f">={year_from}"),
              ("year", None if year_to is None else f"<={year_to}")]
    reports = _reports(home, chosen)
    wanted = np.fromiter(reports, np.int64, len(reports))
    wanted.sort()
    table = home.section_table

    out = []
    for raw in terms:
        needle = normalize_text(raw.strip('"“”'))
        if not needle:
            raise QueryError(f"nothing to count in '{raw}'")
        sids, counts = home.substring.find(needle)  # live and replaced sections alike
        live = table.live_positions(sids)
        pos = live[live >= 0]
        sids, counts = sids[live >= 0], counts[live >= 0]
        rids, ns = table.rid[pos], table.n[pos]
        keep = members(rids, wanted)
        sids, counts, rids, ns = sids[keep], counts[keep], rids[keep], ns[keep]
        uniq, inverse = np.unique(rids, return_inverse=True)
        totals = np.bincount(inverse, weights=counts).astype(np.int64) if len(rids) else np.zeros(0, np.int64)
        first = np.lexsort((ns, rids))  # per report, its lowest section number first
        starts = np.searchsorted(rids[first], uniq)
        per_report: dict[int, int] = {}
        first_sid: dict[int, int] = {}  # report → the sid of its first section holding it
        for rid, total, i in zip(uniq.tolist(), totals.tolist(), first[starts].tolist()):
            per_report[rid] = total
            first_sid[rid] = int(sids[i])
        if not with_duplicates:  # one report in two transcriptions counts once
            for rid in table.folded(uniq)[0].tolist():
                del per_report[rid], first_sid[rid]
        buckets: dict[str, list] = {}
        for rid, count in per_report.items():
            b = buckets.setdefault(_key(reports[rid], by), [0, 0])
            b[0] += count
            b[1] += 1
        if per:
            sizes: dict[str, int] = {}
            folded = set() if with_duplicates else set(table.folded(np.array(sorted(reports), np.int64))[0].tolist())
            for rid, info in reports.items():
                if rid not in folded:
                    sizes[_key(info, by)] = sizes.get(_key(info, by), 0) + info["chars"]
        rows = []
        for key in sorted(buckets, key=_sort_key):
            count, nrep = buckets[key]
            value = round(count * per / sizes[key], 3) if per and sizes.get(key) else count
            rows.append(Bucket(key, value, nrep))
        out.append(TermTrend(raw, sum(per_report.values()), len(per_report), _first(home, reports, first_sid, needle),
                             tuple(rows)))
    return Trend(by, tuple(out), per)


def _reports(home: Home, chosen) -> dict[int, dict]:
    rows = store.reports_for_counting(home.con, filters.conditions(chosen))
    return {rid: {"id": rep, "title": title, "region": reg, "year": year, "level": lev, "chars": chars, "url": url,
                  "urls": urls} for rid, rep, title, reg, year, lev, chars, url, urls in rows}


def _key(info: dict, by: str) -> str:
    value = info[by]
    return str(value) if value is not None else "?"


def _sort_key(key: str):
    return (0, int(key), "") if key.isdigit() else (1, 0, key)


def _first(home: Home, reports, first_sid, needle: str) -> FirstMention | None:
    """Earliest year; ties by report id. The citation names the first section and the first of
    its lines holding the term (paragraph 0: the heading, or the title)."""
    if not first_sid:
        return None
    rid = min(first_sid, key=lambda r: (reports[r]["year"] if reports[r]["year"] is not None else 10**6, reports[r]["id"]))
    sid = first_sid[rid]
    meta = store.section_heads(home.con, [sid])[sid]
    n, heading = meta.n, meta.heading
    info = reports[rid]
    paragraphs = store.paragraph_texts(home.con, [sid])[sid]
    heads = sectiontext.head_lines(info["title"], n, heading)
    lines = heads + paragraphs
    at = next((k for k, line in enumerate(lines) if needle in normalize_text(line)), 0)
    return FirstMention(info["id"], info["title"], info["year"], n, heading, sectiontext.paragraph_of(at, len(heads)),
                        info["url"], info["urls"])
