"""Trends: how often terms stand in the archive, by year, region or level; each term's first mention.

Counts are exact-string counts from the substring index (the same normalization as search), per
live section, summed per report, then per bucket. A report recorded as a near-duplicate of another
is counted once (its original), unless `with_duplicates`.
"""

from __future__ import annotations

from dataclasses import dataclass

from archive import normalize_text

from .errors import QueryError
from .home import Home

BY = ("year", "region", "level")


@dataclass(frozen=True)
class Bucket:
    key: str
    count: float  # occurrences (per `per` characters when asked)
    reports: int


@dataclass(frozen=True)
class FirstMention:
    report: str
    title: str
    year: int | None
    section_id: int
    section: str
    paragraph: int


@dataclass(frozen=True)
class TermTrend:
    term: str
    total: int
    reports: int
    first: FirstMention | None
    buckets: tuple[Bucket, ...]


@dataclass(frozen=True)
class Trend:
    by: str
    terms: tuple[TermTrend, ...]
    per: int | None = None


def trend(home: Home, terms, by: str = "year", *, region: str | None = None, level: str | None = None,
          year_from: int | None = None, year_to: int | None = None, per: int | None = None,
          with_duplicates: bool = False) -> Trend:
    if by not in BY:
        raise QueryError(f"cannot count by {by!r}", f"Use one of: {', '.join(BY)}.")
    terms = [t.strip() for t in terms if t and t.strip()]
    if not terms:
        raise QueryError("no terms to count", "Give one or more terms, or --file with one term a line.")
    reports = _reports(home, region, level, year_from, year_to, with_duplicates)
    table = home.section_table
    import numpy as np

    out = []
    for raw in terms:
        needle = normalize_text(raw.strip('"“”'))
        if not needle:
            raise QueryError(f"nothing to count in '{raw}'")
        sids, counts = home.substring.find(needle)  # live and replaced sections alike
        per_report: dict[int, int] = {}
        first_sid: dict[int, tuple[int, int]] = {}  # report → (sid, section number) of its first section holding it
        if len(sids):
            pos = np.searchsorted(table["sid"], sids)
            pos[pos >= len(table["sid"])] = 0
            live = table["sid"][pos] == sids
            sids, counts, pos = sids[live], counts[live], pos[live]
            rids, ns = table["rid"][pos], table["n"][pos]
            wanted = np.isin(rids, np.fromiter(reports, np.int64, len(reports)))
            sids, counts, rids, ns = sids[wanted], counts[wanted], rids[wanted], ns[wanted]
            uniq, inverse = np.unique(rids, return_inverse=True)
            totals = np.bincount(inverse, weights=counts).astype(np.int64)
            first = np.lexsort((ns, rids))  # per report, its lowest section number first
            starts = np.searchsorted(rids[first], uniq)
            for rid, total, i in zip(uniq.tolist(), totals.tolist(), first[starts].tolist()):
                per_report[rid] = total
                first_sid[rid] = (int(sids[i]), int(ns[i]))
        for rid, n, sid, count in _in_headings(home, needle):  # headings and titles are text too
            if rid not in reports:
                continue
            per_report[rid] = per_report.get(rid, 0) + count
            if rid not in first_sid or n < first_sid[rid][1]:
                first_sid[rid] = (sid, n)
        buckets: dict[str, list] = {}
        for rid, count in per_report.items():
            key = _key(reports[rid], by)
            b = buckets.setdefault(key, [0, 0])
            b[0] += count
            b[1] += 1
        if per:
            sizes: dict[str, int] = {}
            for rid, info in reports.items():
                sizes[_key(info, by)] = sizes.get(_key(info, by), 0) + info["chars"]
        rows = []
        for key in sorted(buckets, key=_sort_key):
            count, nrep = buckets[key]
            value = round(count * per / sizes[key], 3) if per and sizes.get(key) else count
            rows.append(Bucket(key, value, nrep))
        first = _first(home, reports, first_sid, needle)
        out.append(TermTrend(raw, sum(per_report.values()), len(per_report), first, tuple(rows)))
    return Trend(by, tuple(out), per)


def _in_headings(home: Home, needle: str):
    """(report rowid, section number, sid, occurrences) for headings — and titles that head no
    section — holding `needle`. Section texts are paragraphs; a slogan in a heading still counts."""
    return [(rid, max(n, 1), sid, count) for rid, n, sid, count in home.headings.find(needle)]


def _reports(home: Home, region, level, year_from, year_to, with_duplicates) -> dict[int, dict]:
    sql = "SELECT rid, id, title, region, year, level, chars, duplicate_of FROM reports WHERE 1=1"
    args: list = []
    if region:
        sql += " AND region LIKE ?"
        args.append(f"%{region}%")
    if level:
        from .searching import LEVEL_NAMES

        if LEVEL_NAMES.get(level.lower()) is None:
            raise QueryError(f"level {level} is not a level", "Levels: national, provincial, city, county, other.")
        sql += " AND level = ?"
        args.append(LEVEL_NAMES[level.lower()])
    if year_from is not None:
        sql += " AND year >= ?"
        args.append(year_from)
    if year_to is not None:
        sql += " AND year <= ?"
        args.append(year_to)
    rows = home.con.execute(sql, args).fetchall()
    ids = {r[0] for r in home.con.execute("SELECT id FROM reports")}
    out = {}
    for rid, rep, title, reg, year, lev, chars, dup in rows:
        if dup and dup in ids and not with_duplicates:
            continue  # one report in another transcription: counted once, as its original
        out[rid] = {"id": rep, "title": title, "region": reg, "year": year, "level": lev, "chars": chars}
    return out


def _key(info: dict, by: str) -> str:
    value = info[by]
    return str(value) if value is not None else "?"


def _sort_key(key: str):
    return (0, int(key), "") if key.isdigit() else (1, 0, key)


def _first(home: Home, reports, first_sid, needle: str) -> FirstMention | None:
    """Earliest year; ties by report id. The citation names the first section and paragraph."""
    if not first_sid:
        return None
    rid = min(first_sid, key=lambda r: (reports[r]["year"] if reports[r]["year"] is not None else 10**6, reports[r]["id"]))
    sid = first_sid[rid][0]
    n, heading = home.con.execute("SELECT n, heading FROM sections WHERE sid = ?", (sid,)).fetchone()
    paragraph = 0  # 0: in the heading (or the title) itself
    for pn, text in home.con.execute("SELECT n, text FROM paragraphs WHERE sid = ? ORDER BY n", (sid,)):
        if needle in normalize_text(text):
            paragraph = pn
            break
    info = reports[rid]
    return FirstMention(info["id"], info["title"], info["year"], n, heading, paragraph)
