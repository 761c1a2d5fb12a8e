"""Search: a parsed query → ranked `Hit`s with snippets and highlight spans.

Each term gives a set of sections: an exact term those whose normalized text contains it (the
substring index); an unquoted term those together with the sections holding all its jieba words
(Whoosh, BM25), verbatim ones first. Sets combine by the operators; filters and liveness come from
the store. Highlights are found in the normalized text and mapped back to display offsets.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from . import store
from .errors import QueryError
from .home import Home
from .model import Hit, SearchResult
from .query import And, Filter, Not, Or, Term, parse, positive_terms

VERBATIM_BOOST = 100.0
SNIPPET_CHARS = 100
PARAGRAPH_MARK = "↵"  # a snippet that crosses paragraphs shows where (one character: offsets hold)
LEVEL_NAMES = {"national": "national", "国家": "national", "国务院": "national", "provincial": "provincial",
               "省级": "provincial", "省": "provincial", "city": "city", "市": "city", "地市": "city",
               "county": "county", "县": "county", "other": "other"}


@dataclass
class _Match:
    score: float
    count: int
    verbatim: bool


@dataclass(frozen=True)
class SectionMeta:
    sid: int
    n: int
    heading: str
    path: tuple[str, ...]
    report: str
    title: str
    region: str
    year: int | None
    level: str
    segment: str
    offsets: bytes


def _meta(home: Home, sids) -> dict[int, SectionMeta]:
    if not sids:
        return {}
    rows = home.con.execute(
        "SELECT s.sid, s.n, s.heading, s.path, r.id, r.title, r.region, r.year, r.level, s.segment, s.offsets"
        " FROM sections s JOIN reports r USING (rid) WHERE s.sid IN (SELECT value FROM json_each(?))",
        (json.dumps([int(s) for s in sids]),))
    return {row[0]: SectionMeta(row[0], row[1], row[2], tuple(json.loads(row[3])), *row[4:]) for row in rows}


class _Evaluator:
    def __init__(self, home: Home):
        self.home = home
        self._universe: dict[int, _Match] | None = None

    def universe(self) -> dict[int, _Match]:
        if self._universe is None:  # every live section: the section table already lists them
            self._universe = {sid: _Match(0.0, 0, False) for sid in self.home.section_table["sid"].tolist()}
        return self._universe

    def eval(self, node) -> dict[int, _Match]:
        if isinstance(node, Term):
            return self.term(node)
        if isinstance(node, Filter):
            return {sid: _Match(0.0, 0, False) for sid in self.filter_sids(node, None)}
        if isinstance(node, Not):
            excluded = self.eval(node.part)
            return {s: m for s, m in self.universe().items() if s not in excluded}
        if isinstance(node, Or):
            out: dict[int, _Match] = {}
            for part in node.parts:
                for s, m in self.eval(part).items():
                    if s in out:
                        o = out[s]
                        out[s] = _Match(o.score + m.score, o.count + m.count, o.verbatim or m.verbatim)
                    else:
                        out[s] = m
            return out
        if isinstance(node, And):
            filters = [p for p in node.parts if isinstance(p, Filter)]
            others = [p for p in node.parts if not isinstance(p, Filter)]
            # Positive parts first: a NOT or a filter then only narrows what they found.
            others.sort(key=lambda p: isinstance(p, Not))
            result: dict[int, _Match] | None = None
            for part in others:
                if isinstance(part, Not) and result is not None:
                    excluded = self.eval(part.part)
                    result = {s: m for s, m in result.items() if s not in excluded}
                    continue
                found = self.eval(part)
                if result is None:
                    result = found
                else:
                    result = {s: _Match(m.score + found[s].score, m.count + found[s].count, m.verbatim and found[s].verbatim)
                              for s, m in result.items() if s in found}
            for f in filters:
                keep = self.filter_sids(f, None if result is None else set(result))
                result = {s: (result[s] if result is not None else _Match(0.0, 0, False)) for s in keep}
            return result or {}
        raise QueryError(f"cannot evaluate {node!r}")

    def term(self, t: Term) -> dict[int, _Match]:
        """Verbatim sections (substring index) score VERBATIM_BOOST plus their BM25 where they also
        hold the words; sections holding only the words score their BM25. Exact terms: occurrences."""
        verbatim = self.home.substring.find(t.text)
        out = {s: _Match(float(c), c, True) for s, c in verbatim.items()}
        if t.exact:
            return out
        words = self.home.segmenter.words_of(t.text)
        if not words:
            return out
        from . import wordindex

        scored = wordindex.search_words(self.home.searcher, words)
        counts: dict[int, int] = {}
        wanted = {s for s in scored if s not in out}
        if wanted:  # word-only sections: their count is the occurrences of the words
            for w in set(words):
                for s, c in self.home.substring.find(w).items():
                    if s in wanted:
                        counts[s] = counts.get(s, 0) + c
        for s, m in out.items():
            out[s] = _Match(VERBATIM_BOOST + scored.get(s, 0.0), m.count, True)
        for s in wanted:
            out[s] = _Match(scored[s], counts.get(s, 0), False)
        return out

    def filter_sids(self, f: Filter, among: set[int] | None) -> set[int]:
        clause, args = filter_sql(f)
        sql = f"SELECT s.sid FROM sections s JOIN reports r USING (rid) WHERE {clause}"
        if among is not None:
            if not among:
                return set()
            sql += " AND s.sid IN (SELECT value FROM json_each(?))"
            args = args + (json.dumps(sorted(among)),)
        return {r[0] for r in self.home.con.execute(sql, args)}


def filter_sql(f: Filter) -> tuple[str, tuple]:
    v = f.value.strip()
    if f.field == "year":
        lo, sep, hi = v.partition("-") if "-" in v[1:] else (v, "", "")
        try:
            if v.startswith(">="):
                return "r.year >= ?", (int(v[2:]),)
            if v.startswith("<="):
                return "r.year <= ?", (int(v[2:]),)
            if sep:
                return "r.year BETWEEN ? AND ?", (int(lo), int(hi))
            return "r.year = ?", (int(v),)
        except ValueError:
            raise QueryError(f"year:{v} is not a year or a range", "Write year:2024, year:2020-2024 or year:>=2020.") from None
    if f.field == "level":
        level = LEVEL_NAMES.get(v.lower())
        if level is None:
            raise QueryError(f"level:{v} is not a level", "Levels: national, provincial, city, county, other.")
        return "r.level = ?", (level,)
    if f.field == "region":
        return "r.region LIKE ?", (f"%{v}%",)
    if f.field == "report":
        return "(r.id LIKE ? OR r.title LIKE ?)", (f"{v}%", f"%{v}%")
    if f.field == "heading":
        return "s.heading LIKE ?", (f"%{v}%",)
    raise QueryError(f"unknown field {f.field}:")


def search(home: Home, query: str, *, limit: int | None = 10, exact: bool = False, sort: str = "score",
           filters: dict[str, str] | None = None) -> SearchResult:
    """Run `query`; `limit=None` returns every hit. `filters` add field filters (--region, --year …)."""
    tree = parse(query, exact=exact)
    extra = [Filter(k, str(v)) for k, v in (filters or {}).items() if v not in (None, "")]
    if extra:
        tree = And((tree, *extra))
    found = _Evaluator(home).eval(tree)
    order = _rank(home, found, sort)  # live sections only: a replaced section's old copy is masked
    terms = positive_terms(tree)
    shown = order if limit is None else order[:max(limit, 0)]
    meta = _meta(home, shown)
    hits = build_hits(home, [(meta[s], found[s]) for s in shown if s in meta], terms)
    occurrences = sum(found[s].count for s in order)
    return SearchResult(query=query, total=len(order), occurrences=occurrences, hits=tuple(hits),
                        terms=tuple(t.text for t in terms))


def _rank(home: Home, found: dict[int, _Match], sort: str) -> list[int]:
    """The live sections of `found`, best first: verbatim before word-only, then score (or year
    with sort="year"), then newer year, then report and section order."""
    import numpy as np

    if not found:
        return []
    table = home.section_table
    sids = np.fromiter(found.keys(), dtype=np.int64, count=len(found))
    pos = np.searchsorted(table["sid"], sids)
    pos[pos >= len(table["sid"])] = 0
    live = table["sid"][pos] == sids
    sids, pos = sids[live], pos[live]
    if not len(sids):
        return []
    verbatim = np.array([found[s].verbatim for s in sids.tolist()])
    score = np.array([found[s].score for s in sids.tolist()])
    count = np.array([found[s].count for s in sids.tolist()])
    year, rid, n = table["year"][pos], table["rid"][pos], table["n"][pos]
    if sort == "year":
        keys = (n, rid, -count, -score, ~verbatim, -year)
    else:
        keys = (n, rid, -year, -count, -score, ~verbatim)
    return sids[np.lexsort(keys)].tolist()


def build_hits(home: Home, rows: list[tuple[SectionMeta, _Match]], terms: list[Term]) -> list[Hit]:
    if not rows:
        return []
    texts = section_norm_texts(home, [m for m, _ in rows])
    hits = []
    for meta, match in rows:
        display = section_display(home, meta.sid)
        norm = texts.get(meta.sid, "")
        offsets = store.OffsetMap(meta.offsets)
        spans = match_spans(home, norm, terms, offsets)
        snippet, snippet_spans = make_snippet(display, spans)
        hits.append(Hit(
            report=meta.report, title=meta.title, region=meta.region, year=meta.year, section_id=meta.n,
            section=meta.heading, path=meta.path, score=round(match.score, 4), count=len(spans) or match.count,
            snippet=snippet, highlights=tuple(snippet_spans), text=display, verbatim=match.verbatim))
    return hits


def section_display(home: Home, sid: int) -> str:
    return "\n".join(r[0] for r in home.con.execute("SELECT text FROM paragraphs WHERE sid = ? ORDER BY n", (sid,)))


def section_norm_texts(home: Home, metas: list[SectionMeta]) -> dict[int, str]:
    import numpy as np

    by_segment: dict[str, list[int]] = {}
    for m in metas:
        by_segment.setdefault(m.segment, []).append(m.sid)
    out: dict[int, str] = {}
    segs = {s.name: s for s in home.substring.segments}
    for name, sids in by_segment.items():
        seg = segs.get(name)
        if seg is None:
            continue
        for sid in sids:
            i = int(np.searchsorted(seg.sids, sid))
            if i < len(seg.sids) and seg.sids[i] == sid:
                out[sid] = seg.section_text(i)
    return out


def match_spans(home: Home, norm: str, terms: list[Term], offsets) -> list[tuple[int, int]]:
    """Display spans of every match of the terms in one section: the term itself where it stands
    verbatim, else each of its words. One span per match, never merged; a span inside an earlier,
    longer one is dropped (it is the same characters)."""
    found: list[tuple[int, int]] = []
    for t in terms:
        needles = [t.text] if (t.exact or t.text in norm) else home.segmenter.words_of(t.text)
        for needle in needles:
            start = norm.find(needle)
            while start >= 0 and needle:
                found.append((start, start + len(needle)))
                start = norm.find(needle, start + len(needle))
    found.sort(key=lambda s: (s[0], -s[1]))
    spans: list[tuple[int, int]] = []
    reach = -1
    for s, e in found:
        if e <= reach:
            continue
        reach = max(reach, e)
        ds, de = offsets[s], offsets[e - 1] + 1
        spans.append((ds, de))
    return spans


def make_snippet(display: str, spans: list[tuple[int, int]], width: int = SNIPPET_CHARS) -> tuple[str, list[tuple[int, int]]]:
    """About `width` characters around the densest cluster of matches; spans re-based to it."""
    if not spans:
        text = display[:width]
        return text.replace("\n", PARAGRAPH_MARK), []
    # Spans are sorted: slide a window's end along them to find the start with the most matches.
    best, best_n, j = spans[0][0], 0, 0
    for i, (s, _) in enumerate(spans):
        j = max(j, i)
        while j < len(spans) and spans[j][1] <= s + width * 0.7:
            j += 1
        if j - i > best_n:
            best, best_n = s, j - i
    start = max(0, best - width // 4)
    end = min(len(display), start + width)
    start = max(0, min(start, end - width))
    text = display[start:end].replace("\n", PARAGRAPH_MARK)
    inside = [(s - start, e - start) for s, e in spans if s >= start and e <= end]
    return text, inside


def highlight_spans(home: Home, report_id: str, section_n: int, query: str) -> list[tuple[int, list[tuple[int, int]]]]:
    """For `show --highlight`: per paragraph number, the display spans of the query's terms."""
    from archive import normalize

    tree = parse(query)
    terms = positive_terms(tree)
    rows = home.con.execute(
        "SELECT p.n, p.text FROM paragraphs p JOIN sections s USING (sid) JOIN reports r USING (rid)"
        " WHERE r.id = ? AND s.n = ? ORDER BY p.n", (report_id, section_n))
    out = []
    for n, text in rows:
        norm, offsets = normalize(text)
        spans = match_spans(home, norm, terms, offsets)
        if spans:
            out.append((n, spans))
    return out
