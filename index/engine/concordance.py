"""Keyword in context: every occurrence of an exact string with the characters around it, as
concordancers show them (AntConc, CQPweb). The sections are those of `search -e` (the same
filters, duplicate transcriptions folded the same way); the occurrences are found in each section's
normalized text, where the substring index counts them, and mapped back to the characters as
printed. So the lines are exactly the occurrences `search -e` counts."""

from __future__ import annotations

import itertools

import numpy as np

from .. import sectiontext
from ..sectiontext import OffsetMap
from ..errors import QueryError
from .corpus import Corpus
from ..model import STREAM_PAST, Concordance, KwicLine, Streamed, head_of
from .searching import exact_sections
from .snippets import variant_spans
from .snippets import section_displays
from . import patterns

SORTS = ("year", "report", "left", "right")
CONTEXT = 30  # characters of context on each side
BATCH = 200  # sections read at a time (a first screen reads only as many as it shows)


def kwic(corpus: Corpus, query: str, *, filters: dict | None = None, width: int = CONTEXT, sort: str = "year",
         limit: int | None = None, with_duplicates: bool = False, variants: bool = False, pattern: bool = False,
         regex: str | None = None, progress=None, stream: bool | None = None) -> Concordance:
    """The occurrences of `query` (its words joined as typed, as `search -e` reads them), at most
    `limit`. Sorted by year (unknown years last) then position, by report then position, or by the
    left context read backwards (`left`) or the right context (`right`), as concordancers sort. Its
    variants are named; with `variants` they are lines too (`variant`: true). With `pattern` the
    query's words are one pattern (wildcards, NEAR); `regex` is the term instead of them. Sorted by
    year or report, the lines are built as they are read (`Streamed`) past STREAM_PAST of them, or
    when `stream` says so; sorted by a context, every line is built first."""
    if sort not in SORTS:
        raise QueryError(f"cannot sort by {sort!r}", f"Sort by one of: {', '.join(SORTS)}.")
    if width < 1:
        raise QueryError(f"--width must be at least 1 (got {width})", "Give the characters of context on each side.")
    from .scope import check_query

    matched = check_query(corpus, query, True, filters, pattern, regex)  # filters that keep nothing say so
    term, sids, counts, _, named = exact_sections(corpus, query, filters, with_duplicates, variants, pattern, regex,
                                                  progress)
    sids, counts = _ordered(corpus, sids, counts, by_year=sort != "report")
    total = int(counts.sum())
    n = total if limit is None else min(limit, total)

    def sections(start: int = 0):
        """The lines of the sections from `start` on, in order, a batch of sections at a time."""
        for at in range(start, len(sids), BATCH):
            heads = corpus.section_heads(sids[at:at + BATCH].tolist())
            batch = corpus.with_text([heads[s] for s in sids[at:at + BATCH].tolist() if s in heads])
            texts, displays = corpus.norm_texts(batch), section_displays(corpus, batch)
            for meta in batch:
                yield from _occurrences(meta, term, texts.get(meta.sid, ""), displays.get(meta.sid, ""), width, variants)

    if sort in ("left", "right"):  # every line first, then sorted
        lines = list(sections())
        if sort == "left":
            lines.sort(key=lambda k: (k.left[::-1], k.match, k.right))
        else:
            lines.sort(key=lambda k: (k.right, k.match, k.left[::-1]))
        shown = tuple(lines[:n])
    else:
        ends = np.cumsum(counts)  # the line after each section's last

        def build(start: int, end: int) -> list[KwicLine]:
            first = int(np.searchsorted(ends, start, side="right"))  # the section holding line `start`
            before = int(ends[first - 1]) if first else 0
            return list(itertools.islice(sections(first), start - before, end - before))

        def every():
            return itertools.islice(sections(), n)

        shown = Streamed(build, n, iterate=every)
        if not (stream if stream is not None else n > STREAM_PAST):
            shown = tuple(shown)
    return Concordance(term.raw, total, shown, named, variants, matched)


def _ordered(corpus: Corpus, sids, counts, by_year: bool):
    """The sections (and their counts) by year, unknown years last (`by_year`), then report id, then
    number — from the section table, so that no section's record is read before its lines are."""
    if not len(sids):
        return sids, counts
    table = corpus.section_table
    pos = table.live_positions(sids)
    year, rid, n = table.year[pos], table.rid[pos], table.n[pos]
    uniq = np.unique(rid)
    ids = corpus.report_ids(uniq.tolist())
    by_id = {r: k for k, r in enumerate(sorted(uniq.tolist(), key=lambda r: ids.get(r, "")))}
    report_rank = np.array([by_id[r] for r in rid.tolist()], np.int64)
    keys = (n, report_rank) + ((year, year == 0) if by_year else ())
    order = np.lexsort(keys)
    return sids[order], counts[order]


def _occurrences(meta, term, norm: str, display: str, width: int, variants: bool = False) -> list[KwicLine]:
    """Each non-overlapping occurrence of the term in one section's normalized text (as the
    substring index counts them), with its context in the line it stands in, as printed; with
    `variants`, its variant places too (index.variants), in the order they stand. A pattern's
    matches as it finds them (index.engine.patterns)."""
    offsets = OffsetMap(meta.offsets)
    heads = len(sectiontext.head_lines(meta.title, meta.n, meta.heading))
    out = []
    line_no, line_start, counted = 0, 0, 0  # lines counted up to `counted` (occurrences come in order)
    if term.pattern is not None and term.pattern.printed:
        shown = [(s, e, False) for s, e in patterns.printed_spans(term.pattern, display)]
    else:
        if term.pattern is not None:
            spans = [(s, e, False) for s, e in patterns.matches(term.pattern, norm)]
        else:
            spans = [(s, s + len(term.text), False) for s in _find_all(norm, term.text)]
        if variants and term.pattern is None:
            spans = sorted(spans + [(s, e, True) for s, e in variant_spans(norm, term.text)])
        shown = [(offsets[s], offsets[e - 1] + 1, v) for s, e, v in spans]
    for ds, de, variant in shown:
        line_no += display.count("\n", counted, ds)
        counted = ds
        line_start = display.rfind("\n", 0, ds) + 1
        line_end = display.find("\n", de)
        line_end = len(display) if line_end < 0 else line_end
        out.append(KwicLine(
            report=meta.report, title=meta.title, year=meta.year, region=meta.region, section_id=meta.n,
            section=meta.heading, paragraph=sectiontext.paragraph_of(line_no, heads),
            left=display[max(line_start, ds - width):ds], match=display[ds:de],
            right=display[de:min(line_end, de + width)], url=meta.url, variant=variant, **head_of(meta)))
    return out


def _find_all(text: str, needle: str):
    at = text.find(needle)
    while at >= 0 and needle:
        yield at
        at = text.find(needle, at + len(needle))
