"""Trends: how often terms stand in the archive, by year, region or level; each term's first mention.

Counts are exact-string counts from the substring index (the same normalization as search), per
live section, summed per report, then per bucket. A report recorded as a near-duplicate of another
is counted once (its original), unless `with_duplicates`.
"""

from __future__ import annotations

from archive import normalize_text

from .. import filters, sectiontext
from ..errors import QueryError
from .corpus import Corpus
from ..model import Bucket, FirstMention, RegionFirst, Spread, Streamed, TermTrend, Trend, bucket_order, head_of
from ..sectiontable import members
from .variants import named, variant_counts

BY = ("year", "region", "level")


def trend(corpus: Corpus, terms, by: str = "year", *, region: str | None = None, level: str | None = None,
          year_from: int | None = None, year_to: int | None = None, per: int | None = None,
          with_duplicates: bool = False, variants: bool = False, pattern: bool = False, regex=(),
          progress=None, stream: bool | None = None) -> Trend:
    """Each term's occurrences per bucket, its first mention and its variants (named; counted too
    with `variants`). With `pattern` each term is a pattern (wildcards, NEAR: its matches counted);
    each of `regex` is one more term, a regular expression (index.engine.patterns)."""
    import numpy as np

    if by not in BY:
        raise QueryError(f"cannot count by {by!r}", f"Use one of: {', '.join(BY)}.")
    terms = [t.strip() for t in terms if t and t.strip()]
    regex = list(regex or ())
    if not terms and not regex:
        raise QueryError("no terms to count", "Give one or more terms, or --file with one term a line.")
    matched = _scope(corpus, region, level, year_from, year_to)
    reports = _reports(corpus, chosen_filters(region, level, year_from, year_to))
    wanted = np.fromiter(reports, np.int64, len(reports))
    wanted.sort()
    table = corpus.section_table

    from .query import pattern_term, regex_term
    from . import patterns

    def read(raw: str):  # --pattern: a pattern where it holds one (wildcards, NEAR), else the plain string
        if not pattern:
            return None
        term = pattern_term(raw)
        return term if term.pattern is not None else None

    asked = [(raw, read(raw)) for raw in terms] + [(r, regex_term(r)) for r in regex]
    for raw, term in asked:  # every term checked before any is counted (a bad line of --file says so first)
        if term is None:
            _needle(raw)

    def count(raw: str, term) -> TermTrend:
        if term is not None:  # a pattern: its matches, no variants
            needle = term
            printed = patterns.holding(corpus, term.pattern, progress)
            varied = (np.zeros(0, np.int64), np.zeros(0, np.int64))
        else:
            needle = _needle(raw)
            printed = corpus.holding(needle)
            varied = variant_counts(corpus, needle, printed)  # found once: counted with --variants, named always
        per_report, first_sid = _per_report(corpus, _summed(printed, varied) if variants else printed, wanted,
                                            with_duplicates)
        buckets: dict[str, list] = {}
        for rid, n in per_report.items():
            b = buckets.setdefault(_key(reports[rid], by), [0, 0])
            b[0] += n
            b[1] += 1
        rows = []
        for key in sorted(buckets, key=bucket_order):
            n, nrep = buckets[key]
            value = round(n * per / sizes[key], 3) if per and sizes.get(key) else n
            rows.append(Bucket(key, value, nrep))
        return TermTrend(raw, sum(per_report.values()), len(per_report), _first(corpus, reports, first_sid, needle),
                         tuple(rows), () if term is not None else _variants(corpus, needle, varied, wanted, with_duplicates))

    sizes: dict[str, int] = {}
    if per:
        folded = set() if with_duplicates else set(table.folded(np.array(sorted(reports), np.int64))[0].tolist())
        for rid, info in reports.items():
            if rid not in folded:
                sizes[_key(info, by)] = sizes.get(_key(info, by), 0) + info["chars"]
    # Counted a term at a time as they are read (`Streamed`): `trend --file` answers its first term at once.
    counted = Streamed(lambda start, end: [count(*asked[k]) for k in range(start, end)], len(asked), batch=1, keep=True)
    out = counted if (stream if stream is not None else len(asked) > 1) else tuple(counted)
    return Trend(by, out, per, variants, matched)


def _scope(corpus: Corpus, region, level, year_from, year_to) -> int:
    """The reports trend's filters keep; a reversed range is a slip (QueryError), filters keeping
    none are said to (NoReportError)."""
    from .scope import check

    if year_from is not None and year_to is not None and year_from > year_to:
        raise QueryError(f"--from {year_from} --to {year_to} — the range is reversed",
                         f"Give the earlier year first: --from {year_to} --to {year_from}.")
    return check(corpus, chosen_filters(region, level, year_from, year_to))


def chosen_filters(region=None, level=None, year_from=None, year_to=None, **_) -> list[tuple[str, str | None]]:
    """trend's options as filter pairs (index.filters: the meaning search and list give them)."""
    return [("region", region), ("level", level), ("year", None if year_from is None else f">={year_from}"),
            ("year", None if year_to is None else f"<={year_to}")]


def _needle(raw: str) -> str:
    needle = normalize_text(raw.strip())  # literal, as kwic and search -e: “六保” counts the quoted slogan
    if not needle:
        raise QueryError(f"nothing to count in '{raw}'")
    return needle


def _summed(printed, varied):
    """(sids, occurrences) as printed with the variant places added (live and replaced alike)."""
    import numpy as np

    (sids, counts), (vsids, vcounts) = printed, varied
    if not len(vsids):
        return printed
    both = np.union1d(sids, vsids)
    total = np.zeros(len(both), np.int64)
    total[np.searchsorted(both, sids)] += counts
    total[np.searchsorted(both, vsids)] += vcounts
    return both, total


def _variants(corpus: Corpus, needle: str, found, wanted, with_duplicates: bool):
    """The term's variants (`found`: their sections and counts) in the reports `wanted`, named as
    printed (index.variants)."""
    per_report, _ = _per_report(corpus, found, wanted, with_duplicates, every_sid=True)
    sids = [sid for rid_sids in per_report.values() for sid in rid_sids]
    if not sids:
        return ()
    counts = dict(zip(found[0].tolist(), found[1].tolist()))
    return named(corpus, needle, {sid: counts[sid] for sid in sids})


def _per_report(corpus: Corpus, found, wanted, with_duplicates: bool, every_sid: bool = False):
    """For the reports `wanted` (sorted rowids) holding the (sids, occurrences) `found`: report →
    occurrences, and report → the sid of its first section holding it (`every_sid`: report → the
    sids holding it); a transcription folded under its original."""
    import numpy as np

    table = corpus.section_table
    sids, counts = found  # live and replaced sections alike
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
    per_report: dict = {}
    first_sid: dict[int, int] = {}
    for rid, total, i in zip(uniq.tolist(), totals.tolist(), first[starts].tolist()):
        per_report[rid] = total
        first_sid[rid] = int(sids[i])
    if every_sid:
        per_report = {rid: [] for rid in per_report}
        for rid, sid in zip(rids.tolist(), sids.tolist()):
            per_report[rid].append(sid)
    if not with_duplicates:  # one report in two transcriptions counts once
        for rid in table.folded(uniq)[0].tolist():
            del per_report[rid], first_sid[rid]
    return per_report, first_sid


def _reports(corpus: Corpus, chosen) -> dict[int, dict]:
    rows = corpus.reports_for_counting(filters.conditions(chosen))
    return {rid: {"id": rep, "title": title, "region": reg, "year": year, "level": lev, "chars": chars, "date": date}
            for rid, rep, title, reg, year, lev, chars, date in rows}


def _earliest(info: dict) -> tuple:
    """The order of first mentions: year (unknown last), then date where known, then report id."""
    return (info["year"] is None, info["year"] or 0, info["date"] is None, info["date"] or "", info["id"])


def _key(info: dict, by: str) -> str:
    value = info[by]
    return str(value) if value is not None else "?"


def _first(corpus: Corpus, reports, first_sid, needle: str) -> FirstMention | None:
    """The earliest report (`_earliest`); the citation names its first section holding the term and
    the first of its lines that does (paragraph 0: the heading, or the title)."""
    if not first_sid:
        return None
    rid = min(first_sid, key=lambda r: _earliest(reports[r]))
    return _mention(corpus, reports[rid], first_sid[rid], needle)


def _mention(corpus: Corpus, info: dict, sid: int, needle: str) -> FirstMention:
    meta = corpus.with_text(list(corpus.section_heads([sid]).values()))[0]
    n, heading = meta.n, meta.heading
    paragraphs = corpus.section_texts([sid])[sid]
    heads = sectiontext.head_lines(info["title"], n, heading)
    lines = heads + paragraphs
    at = next((k for k, line in enumerate(lines) if _in_line(needle, line)), 0)
    return FirstMention(info["id"], info["title"], info["year"], n, heading, sectiontext.paragraph_of(at, len(heads)),
                        meta.url, meta.urls, region=meta.region, **head_of(meta))


def _in_line(needle, line: str) -> bool:
    """Whether a printed line holds the needle: a normalized string, or a pattern term."""
    if isinstance(needle, str):
        return needle in normalize_text(line)
    from . import patterns

    p = needle.pattern
    return bool(patterns.matches(p, patterns.nfkc(line) if p.printed else normalize_text(line)))


def first_by_region(corpus: Corpus, term: str, *, region: str | None = None, level: str | None = None,
                    year_from: int | None = None, year_to: int | None = None,
                    with_duplicates: bool = False) -> Spread:
    """Where `term` was first written in each region, earliest first: how a formulation spread from
    the national report to provinces and cities. The same counting as `trend`."""
    import numpy as np

    _scope(corpus, region, level, year_from, year_to)
    reports = _reports(corpus, chosen_filters(region, level, year_from, year_to))
    wanted = np.array(sorted(reports), np.int64)
    needle = _needle(term)
    _, first_sid = _per_report(corpus, corpus.holding(needle), wanted, with_duplicates)
    earliest: dict[str, int] = {}
    for rid in first_sid:
        key = reports[rid]["region"]
        if key not in earliest or _earliest(reports[rid]) < _earliest(reports[earliest[key]]):
            earliest[key] = rid
    rows = []
    for rid in sorted(earliest.values(), key=lambda r: _earliest(reports[r])):
        info = reports[rid]
        rows.append(RegionFirst(info["region"], info["level"], info["date"], _mention(corpus, info, first_sid[rid], needle)))
    return Spread(term.strip(), tuple(rows))
