"""Search: a parsed query → ranked `Hit`s with snippets and highlight spans.

Each term gives a set of sections: an exact term those whose normalized text contains it (the
substring index); an unquoted term those together with the sections holding all its jieba words
(Whoosh, BM25), verbatim ones first. Sets combine by the operators; filters and liveness come from
the store. Highlights are found in the normalized text and mapped back to display offsets.
"""

from __future__ import annotations

import numpy as np

from .. import filters, sectiontext
from ..sectiontext import OffsetMap
from ..errors import QueryError
from .corpus import Corpus
from ..model import STREAM_PAST, Hit, SearchResult, SectionMeta, Streamed, Suggestion, head_of
from .query import And, Filter, Not, Or, Term, parse, positive_terms
from ..sectiontable import members
from .snippets import make_snippet, match_spans, section_displays
from .variants import named, variant_counts
from . import patterns

VERBATIM_BOOST = 100.0
VARIANT_BOOST = 50.0  # a section holding the term only as a variant ranks between verbatim and words
SORTS = ("score", "year", "oldest")


def _lookup(sids: np.ndarray, among: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each of `sids`: whether it is in `among` (sorted) and where. A binary search each, so
    a handful of hits costs nothing however many sections the archive holds (np.isin sorts)."""
    if not len(among):
        return np.zeros(len(sids), bool), np.zeros(len(sids), np.int64)
    at = np.searchsorted(among, sids)
    at[at >= len(among)] = 0
    return among[at] == sids, at


class Matches:
    """The sections a (sub)query matches, as parallel numpy arrays sorted by section id: per
    section its score, its occurrences, whether it holds the terms verbatim, and whether it holds
    them (not verbatim) with other punctuation inside. Whole hit sets are combined and ranked with
    array operations (a common word matches ~10,000 sections)."""

    __slots__ = ("sids", "score", "count", "verbatim", "variant")

    def __init__(self, sids, score=None, count=None, verbatim=None, variant=None):
        n = len(sids)
        self.sids = np.asarray(sids, dtype=np.int64)
        self.score = np.zeros(n) if score is None else np.asarray(score, dtype=np.float64)
        self.count = np.zeros(n, np.int64) if count is None else np.asarray(count, dtype=np.int64)
        self.verbatim = np.zeros(n, bool) if verbatim is None else np.asarray(verbatim, dtype=bool)
        self.variant = np.zeros(n, bool) if variant is None else np.asarray(variant, dtype=bool) & ~self.verbatim

    def __len__(self) -> int:
        return len(self.sids)

    def take(self, keep) -> "Matches":
        return Matches(self.sids[keep], self.score[keep], self.count[keep], self.verbatim[keep], self.variant[keep])

    def without(self, sids) -> "Matches":
        return self.take(~members(self.sids, sids))

    def within(self, sids) -> "Matches":
        return self.take(members(self.sids, sids))

    def both(self, other: "Matches") -> "Matches":
        """Sections in both: scores and counts add; verbatim only if verbatim in both, a variant if
        each holds the terms verbatim or as a variant."""
        sids, i, j = np.intersect1d(self.sids, other.sids, assume_unique=True, return_indices=True)
        return Matches(sids, self.score[i] + other.score[j], self.count[i] + other.count[j],
                       self.verbatim[i] & other.verbatim[j],
                       (self.verbatim[i] | self.variant[i]) & (other.verbatim[j] | other.variant[j]))

    def either(self, other: "Matches") -> "Matches":
        """Sections in either: scores and counts add where in both; verbatim (or a variant) if in either."""
        sids = np.union1d(self.sids, other.sids)
        out = Matches(sids)
        for part in (self, other):
            at = np.searchsorted(sids, part.sids)
            out.score[at] += part.score
            out.count[at] += part.count
            out.verbatim[at] |= part.verbatim
            out.variant[at] |= part.variant
        out.variant &= ~out.verbatim
        return out


class _Evaluator:
    def __init__(self, corpus: Corpus, variants: bool = False, progress=None):
        self.corpus = corpus
        self.progress = progress  # told (done, total) while a pattern with no literal piece reads every section
        self.variants = variants  # exact terms count their variants too (--variants)
        self._variant_counts: dict[str, tuple] = {}
        self._printed: dict[str, tuple] = {}  # a term's own sections, found already

    def variant_counts(self, text: str):
        """index.engine.variants.variant_counts, once per term for all a search asks of it."""
        if text not in self._variant_counts:
            self._variant_counts[text] = variant_counts(self.corpus, text, self._printed.get(text))
        return self._variant_counts[text]

    def universe(self):
        return self.corpus.section_table.sid  # every live section

    def eval(self, node) -> Matches:
        if isinstance(node, Term):
            return self.term(node)
        if isinstance(node, Filter):
            return Matches(self.filter_sids(node))
        if isinstance(node, Not):
            return Matches(self.universe()).without(self.eval(node.part).sids)
        if isinstance(node, Or):
            out = self.eval(node.parts[0])
            for part in node.parts[1:]:
                out = out.either(self.eval(part))
            return out
        if isinstance(node, And):
            filters = [p for p in node.parts if isinstance(p, Filter)]
            others = [p for p in node.parts if not isinstance(p, Filter)]
            # Positive parts first: a NOT or a filter then only narrows what they found.
            others.sort(key=lambda p: isinstance(p, Not))
            result: Matches | None = None
            for part in others:
                if isinstance(part, Not) and result is not None:
                    result = result.without(self.eval(part.part).sids)
                else:
                    found = self.eval(part)
                    result = found if result is None else result.both(found)
            for f in filters:
                keep = self.filter_sids(f)
                result = Matches(keep) if result is None else result.within(keep)
            return result if result is not None else Matches([])
        raise QueryError(f"cannot evaluate {node!r}")

    def term(self, t: Term) -> Matches:
        """Verbatim sections (substring index) score VERBATIM_BOOST plus their BM25 where they also
        hold the words; sections holding only the words score their BM25. Exact terms: occurrences.
        A term's variants (index.variants): in an unquoted term's second tier, in an exact term's
        answer only with --variants."""
        if t.pattern is not None:  # matches of a pattern: verbatim, no variants
            sids, counts = patterns.holding(self.corpus, t.pattern, self.progress)
            return Matches(sids, counts, counts, np.ones(len(sids), bool))
        if t.variant:
            vsids, vcounts = self.variant_counts(t.text)
            return Matches(vsids, vcounts, vcounts, None, np.ones(len(vsids), bool))
        sids, counts = self.corpus.holding(t.text)
        self._printed.setdefault(t.text, (sids, counts))
        if t.exact:
            found = Matches(sids, counts, counts, np.ones(len(sids), bool))
            if self.variants and len(vsids := self.variant_counts(t.text)[0]):
                vcounts = self.variant_counts(t.text)[1]
                found = found.either(Matches(vsids, vcounts, vcounts, None, np.ones(len(vsids), bool)))
            return found
        verbatim = Matches(sids, np.full(len(sids), VERBATIM_BOOST), counts, np.ones(len(sids), bool))
        vsids, vcounts = self.variant_counts(t.text)
        if len(vsids):  # every variant counts (the answer says they are counted); a section holding the
            # term verbatim stays in the verbatim tier, its variants adding occurrences, not score
            boost = np.where(members(vsids, sids), 0.0, VARIANT_BOOST)
            verbatim = verbatim.either(Matches(vsids, boost, vcounts, None, np.ones(len(vsids), bool)))
        sids = verbatim.sids
        self.corpus.open_words()  # first: a segment_ahead child may still be cutting the words
        words = self.corpus.segmenter.query_words(t.text)
        if not words:
            return verbatim
        # Verbatim sections add their BM25 (a verbatim match holds the words, unless jieba cut
        # them differently in its context); the others score their BM25 alone.
        scored, bm25 = self.corpus.word_scores(words)
        held, at = _lookup(sids, scored)
        verbatim.score[held] += bm25[at[held]]
        only = ~members(scored, sids)
        words_only = Matches(scored[only], bm25[only])
        if len(words_only):  # their count is the occurrences of the words (as highlighted)
            for w in set(words):
                wsids, wcounts = self.corpus.holding(w)
                held, at = _lookup(words_only.sids, wsids)
                words_only.count[held] += wcounts[at[held]]
        return verbatim.either(words_only)

    def filter_sids(self, f: Filter):
        """The live sections a field filter keeps. Report fields select reports (few rows), whose
        sections come from the section table; a heading filter selects sections."""
        cond = [filters.condition(f.field, f.value)]
        table = self.corpus.section_table
        if f.field == "heading":
            sids = np.sort(np.array(self.corpus.heading_sids(cond), np.int64))
            return sids[table.live_positions(sids) >= 0]
        return table.of_reports(self.corpus.report_rowids(cond))


def search(corpus: Corpus, query: str, *, limit: int | None = 10, exact: bool = False, sort: str = "score",
           filters: dict[str, str] | None = None, with_duplicates: bool = False, variants: bool = False,
           regex: str | None = None, progress=None, stream: bool | None = None) -> SearchResult:
    """Run `query`; `limit=None` returns every hit. `filters` add field filters (--region, --year …).
    A report recorded as another's transcription is folded into the other's hits (`also_in`) when
    both match, unless `with_duplicates`; `total` and `occurrences` count what is shown. The
    query's one term names its variants; `variants` counts them in an exact term's answer. `regex`
    (--regex) is one more term, AND-ed; `progress(done, total)` is told while a pattern with no
    literal piece reads every section. The hits are built as they are read (`Streamed`) when more
    than STREAM_PAST are asked for, or `stream` says so."""
    if sort not in SORTS:
        raise QueryError(f"cannot sort by {sort!r}", f"Sort by one of: {', '.join(SORTS)}.")
    from .scope import check_query

    matched = check_query(corpus, query, exact, filters, regex=regex)  # filters that keep nothing say so
    evaluator = _Evaluator(corpus, variants, progress)
    tree, found, pos, also_in = _found(corpus, query, exact, filters, with_duplicates, evaluator=evaluator, regex=regex)
    order = _rank(corpus, found, pos, sort)
    terms = positive_terms(tree)
    shown = order if limit is None else order[:max(limit, 0)]

    def build(start: int, end: int) -> list[Hit]:
        at = shown[start:end]
        meta = corpus.section_heads(found.sids[at].tolist())
        rows = [(meta[s], found.score[i], found.count[i], found.verbatim[i], found.variant[i])
                for i, s in zip(at.tolist(), found.sids[at].tolist()) if s in meta]
        return build_hits(corpus, rows, terms, also_in, variants)

    if stream is None:
        stream = len(shown) > STREAM_PAST
    hits = Streamed(build, len(shown)) if stream else tuple(build(0, len(shown)))
    named_variants = query_variants(corpus, query, exact, filters, with_duplicates, evaluator, regex=regex)
    suggestions = () if len(found) else (
        tuple(Suggestion(v.text, v.occurrences) for v in named_variants) + _did_you_mean(corpus, terms))
    shown_query = query if regex is None else f"{query} --regex {regex}".strip()
    return SearchResult(query=shown_query, total=len(found), occurrences=int(found.count.sum()), hits=hits,
                        suggestions=suggestions, variants=named_variants,
                        variants_counted=variants or any(not t.exact for t in terms), reports_matched=matched)


def query_variants(corpus: Corpus, query: str, exact: bool, filters: dict | None, with_duplicates: bool,
                   evaluator: "_Evaluator | None" = None, pattern: bool = False, regex: str | None = None):
    """The variants of the query's one positive term (none for a query of several), where its
    filters keep them, named as printed, most frequent first (index.variants)."""
    tree, found, _, _ = _found(corpus, query, exact, filters, with_duplicates, only_variants=True, evaluator=evaluator,
                               pattern=pattern, regex=regex)
    if tree is None or not len(found):
        return ()
    term = positive_terms(tree)[0]
    return named(corpus, term.text, dict(zip(found.sids.tolist(), found.count.tolist())))


def _as_variants(node):
    """The query with each positive term standing for its variant places (None: not one term)."""
    if isinstance(node, Term):
        return Term(node.text, True, node.raw, variant=True)
    if isinstance(node, And):
        return And(tuple(_as_variants(p) for p in node.parts))
    if isinstance(node, Or):
        return Or(tuple(_as_variants(p) for p in node.parts))
    return node


def _found(corpus: Corpus, query: str, exact: bool, filters: dict | None, with_duplicates: bool, variants: bool = False,
           only_variants: bool = False, evaluator: "_Evaluator | None" = None, pattern: bool = False,
           regex: str | None = None):
    """(query tree, the live matching sections, their section-table rows, also_in): the matches of
    a query with its filters, duplicate transcriptions folded unless `with_duplicates`. With
    `only_variants`, the places a query of one term holds it only as a variant (tree None when the
    query has several terms)."""
    tree = parse(query, exact=exact, pattern=pattern, regex=regex)
    extra = [Filter(k, str(v)) for k, v in (filters or {}).items() if v not in (None, "")]
    if extra:
        tree = And((tree, *extra))
    if only_variants:
        evaluator = evaluator or _Evaluator(corpus)
        terms = positive_terms(tree)
        if len(terms) != 1 or terms[0].pattern is not None or not len(evaluator.variant_counts(terms[0].text)[0]):
            return None, Matches([]), None, {}  # (most terms have no variant anywhere: nothing to narrow)
        found = evaluator.eval(_as_variants(tree))
    else:
        found = (evaluator or _Evaluator(corpus, variants)).eval(tree)
    pos = corpus.section_table.live_positions(found.sids)  # each hit's row in the section table
    live = pos >= 0  # a replaced section's old copy is masked
    found, pos = found.take(live), pos[live]
    also_in = {}
    if not with_duplicates:
        keep, also_in = _fold_duplicates(corpus, pos, found.verbatim)
        found, pos = found.take(keep), pos[keep]
    return tree, found, pos, also_in


def exact_sections(corpus: Corpus, query: str, filters: dict | None = None, with_duplicates: bool = False,
                   variants: bool = False, pattern: bool = False, regex: str | None = None, progress=None):
    """For `search -e`'s query (its words joined as typed, one verbatim string; field filters
    apply): (the term, the sections holding it, their occurrences, their section-table rows, its
    named variants); with `variants`, the sections holding it as a variant too. One evaluator
    serves both (the term's printed and variant sections are found once). `pattern`, `regex`: the
    term is a pattern (kwic --pattern, --regex), which has no variants."""
    evaluator = _Evaluator(corpus, variants, progress)
    tree, found, pos, _ = _found(corpus, query, True, filters, with_duplicates, evaluator=evaluator, pattern=pattern,
                                 regex=regex)
    named = query_variants(corpus, query, True, filters, with_duplicates, evaluator, pattern=pattern, regex=regex)
    return positive_terms(tree)[0], found.sids, found.count, pos, named


def _did_you_mean(corpus: Corpus, terms: list[Term]):
    """Proposals for the first term that stands nowhere verbatim (suggestions.py)."""
    from archive import loose

    from .suggestions import suggest

    for t in terms:
        if t.pattern is None and not exact_occurrences(corpus, t.text):
            found = suggest(corpus, t.text, lambda text: exact_occurrences(corpus, text))
            found = tuple(f for f in found if loose(f.text) != loose(t.text))  # a variant: proposed as printed
            if found:
                return found
    return ()


def exact_occurrences(corpus: Corpus, text: str) -> int:
    """Occurrences of the normalized `text` as `search -e` counts them: live sections, duplicate
    transcriptions folded under their original."""
    sids, counts = corpus.holding(text)
    pos = corpus.section_table.live_positions(sids)
    live = pos >= 0
    keep, _ = _fold_duplicates(corpus, pos[live], np.ones(int(live.sum()), bool))
    return int(counts[live][keep].sum())


def _fold_duplicates(corpus: Corpus, pos: np.ndarray, verbatim: np.ndarray) -> tuple[np.ndarray, dict[str, tuple[str, ...]]]:
    """For hits at section-table rows `pos`: which to keep — not the sections of a matching
    transcription whose original matches too, at least as well (a transcription holding the terms
    verbatim folds only under an original that does) — and, per original's report id, the ids folded
    under it."""
    table = corpus.section_table
    keep = np.ones(len(pos), bool)
    if not len(table.dup_rid) or not len(pos):
        return keep, {}
    rids = table.rid[pos]
    held = np.unique(rids[verbatim])
    dups, origs = table.folded(held)  # both hold the terms verbatim
    wdups, worigs = table.folded(np.unique(rids))
    by_words = ~members(wdups, held)  # a transcription that holds only the words folds under any match
    dups, origs = np.concatenate([dups, wdups[by_words]]), np.concatenate([origs, worigs[by_words]])
    if not len(dups):
        return keep, {}
    ids = corpus.report_ids(dups.tolist() + origs.tolist())
    also_in: dict[str, tuple[str, ...]] = {}
    for d, o in sorted(zip(dups.tolist(), origs.tolist())):
        also_in[ids[o]] = also_in.get(ids[o], ()) + (ids[d],)
    return ~np.isin(rids, dups), also_in


def _rank(corpus: Corpus, found: Matches, pos: np.ndarray, sort: str):
    """Indexes into `found` (at section-table rows `pos`), best first: verbatim, then variants, then
    word-only, then score (or year, newest or oldest first, unknown years last), then count, newer year, then
    report and section order."""
    if not len(found):
        return np.zeros(0, np.int64)
    table = corpus.section_table
    year, rid, n = table.year[pos], table.rid[pos], table.n[pos]
    unknown = year == 0
    tier = np.where(found.verbatim, 0, np.where(found.variant, 1, 2))
    if sort == "year":
        keys = (n, rid, -found.count, -found.score, -year, unknown, tier)
    elif sort == "oldest":
        keys = (n, rid, -found.count, -found.score, year, unknown, tier)
    else:
        keys = (n, rid, -year, -found.count, -found.score, tier)
    return np.lexsort(keys)


def build_hits(corpus: Corpus, rows: list[tuple[SectionMeta, float, int, bool, bool]], terms: list[Term],
               also_in: dict[str, tuple[str, ...]] | None = None, variants: bool = False) -> list[Hit]:
    """Hits for (section, score, count, verbatim, variant) rows; `variants`: an exact term's variant
    places are lit too."""
    if not rows:
        return []
    rows = [(meta, *rest) for meta, (_, *rest) in zip(corpus.with_text([m for m, *_ in rows]), rows)]
    texts = corpus.norm_texts([m for m, *_ in rows])
    displays = section_displays(corpus, [m for m, *_ in rows])
    hits = []
    for meta, score, count, verbatim, variant in rows:
        display = displays.get(meta.sid, "")
        norm = texts.get(meta.sid, "")
        offsets = OffsetMap(meta.offsets)
        spans = match_spans(corpus, norm, terms, offsets, variants, display)
        snippet, snippet_spans = make_snippet(display, spans)
        head_end = len("\n".join(sectiontext.head_lines(meta.title, meta.n, meta.heading)))
        hits.append(Hit(
            report=meta.report, title=meta.title, region=meta.region, year=meta.year, section_id=meta.n,
            section=meta.heading, path=meta.path, score=round(float(score), 4), count=int(count),
            snippet=snippet, highlights=tuple(snippet_spans), text=display, verbatim=bool(verbatim),
            variant=bool(variant), in_heading=any(s < head_end for s, _ in spans), also_in=(also_in or {}).get(meta.report, ()),
            url=meta.url, urls=meta.urls, **head_of(meta), matches=tuple(display[s:e] for s, e in spans)))
    return hits
