"""Where the terms stand in a section, and what a hit shows of it: display and normalized texts,
match spans mapped from normalized to display offsets, the snippet around the densest matches,
and `show --highlight`'s spans per line."""

from __future__ import annotations

import functools
import re


from archive import loose, strip_marks

from .. import sectiontext
from .corpus import Corpus
from ..model import SectionMeta
from . import patterns
from .query import Term, parse, positive_terms

# A snippet shows about this many characters around the densest cluster of matches …
SNIPPET_CHARS = 100
# … choosing its start by the matches that end within this share of its width.
SNIPPET_CLUSTER_SHARE = 0.7
PARAGRAPH_MARK = "↵"  # a snippet that crosses paragraphs shows where (one character: offsets hold)


def section_displays(corpus: Corpus, metas: list[SectionMeta]) -> dict[int, str]:
    """Display text of each section: its lines (sectiontext: title, heading, paragraphs), one a
    line. One query for all."""
    parts = corpus.section_texts([m.sid for m in metas])
    return {m.sid: "\n".join(sectiontext.lines_of(m.title, m.n, m.heading, parts[m.sid])) for m in metas}


def match_spans(corpus: Corpus, norm: str, terms: list[Term], offsets, variants: bool = False,
                display: str = "") -> list[tuple[int, int]]:
    """Display spans of every match of the terms in one section: the term itself where it stands
    verbatim and where it stands as a variant (index.variants), else each of its words; an exact
    term's variants only with `variants`. One span per match, never merged; a span inside an
    earlier, longer one is dropped (it is the same characters). A pattern's matches as it finds
    them (a regex's in the printed `display`)."""
    found: list[tuple[int, int]] = []
    shown: list[tuple[int, int]] = []  # already display spans
    for t in terms:
        if t.pattern is not None:
            if t.pattern.printed:
                shown += patterns.printed_spans(t.pattern, display)
            else:
                found += patterns.matches(t.pattern, norm)
            continue
        if t.exact or t.text in norm:
            needles = [t.text]
            if variants or not t.exact:  # an unquoted term counts its variants, so lights them
                found += variant_spans(norm, t.text)
        elif spans := variant_spans(norm, t.text):
            found += spans
            needles = []
        else:
            needles = corpus.segmenter.query_words(t.text)
        for needle in needles:
            start = norm.find(needle)
            while start >= 0 and needle:
                found.append((start, start + len(needle)))
                start = norm.find(needle, start + len(needle))
    shown += [(offsets[s], offsets[e - 1] + 1) for s, e in found]
    shown.sort(key=lambda s: (s[0], -s[1]))
    spans: list[tuple[int, int]] = []
    reach = -1
    for s, e in shown:
        if e <= reach:
            continue
        reach = max(reach, e)
        spans.append((s, e))
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
        while j < len(spans) and spans[j][1] <= s + width * SNIPPET_CLUSTER_SHARE:
            j += 1
        if j - i > best_n:
            best, best_n = s, j - i
    start = max(0, best - width // 4)
    end = min(len(display), start + width)
    start = max(0, min(start, end - width))
    text = display[start:end].replace("\n", PARAGRAPH_MARK)
    inside = [(s - start, e - start) for s, e in spans if s >= start and e <= end]
    return text, inside


def highlight_spans(corpus: Corpus, report_id: str, section_n: int, query: str) -> list[tuple[int, list[tuple[int, int]]]]:
    """For `show --highlight`: per line of the section, the display spans of the query's terms.
    Lines are numbered as paragraphs; the heading is 0 and the title (first section only) -1."""
    from archive import normalize

    terms = positive_terms(parse(query))
    sid = corpus.section_sid(report_id, section_n)
    meta = corpus.section_heads([sid])[sid]
    heads = sectiontext.head_lines(meta.title, section_n, meta.heading)
    lines = [(0 if k == len(heads) - 1 else -1, text) for k, text in enumerate(heads)]
    lines += [(n, text) for n, text, _, _ in corpus.paragraphs_of(sid)]
    out = []
    for n, text in lines:
        norm, offsets = normalize(text)
        spans = match_spans(corpus, norm, terms, offsets, display=text)
        if spans:
            out.append((n, spans))
    return out


def variant_spans(norm: str, text: str) -> list[tuple[int, int]]:
    """Spans of normalized `norm` (a section's lines joined by newlines) where `text` stands as a
    variant: its characters with marks inside a phrase between them (left to right, none
    overlapping), less the places it stands as printed."""
    core = strip_marks(text)
    pattern = _pattern(loose(core))
    if pattern is None:
        return []
    return [m.span() for m in pattern.finditer(norm) if m.group() != core]


@functools.lru_cache(maxsize=256)
def _pattern(bare: str):
    """A regular expression for `bare` with any run of marks inside a phrase between its characters
    (in C: a section's text is scanned without a Python step per character)."""
    if len(bare) < 2:
        return None
    from archive.normalization import in_phrase_mark

    return re.compile(f"(?:{in_phrase_mark()})*".join(re.escape(c) for c in bare))
