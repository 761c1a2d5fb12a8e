"""What is new in a report (新提法): the phrases it writes that none of its baseline reports does.

The baseline is by default every earlier report (by year) of the same region and level — for a
national report, all earlier national reports — never one of unknown year, never a transcription of
the report itself. A phrase is a unit a reader would quote: a term the report puts in quotes, a
dictionary word (the slogans), a jieba word of two or more characters, or a maximal repeated string
of 2–12 characters (one that no longer string holds every time it stands). Strings with a figure
(`2024年`, `5.2%`) are boilerplate new only by their number, not phrases. A phrase that stands only
inside a longer listed one (the same count) is not listed apart. Presence in the baseline is decided
on the normalized texts (the one normalization) through a suffix array of the baseline's texts;
counts are of the report's normalized lines, as `search -e` counts them."""

from __future__ import annotations

import re
from collections import Counter

from archive import normalize_text
from archive.marks import is_mark
from archive.quoting import quoted_terms

from .. import sectiontext
from .catalog import list_reports, resolve_report, show
from ..errors import QueryError
from .corpus import Corpus
from ..model import NewPhrase, Novelty, ReportInfo, head_of

MIN_CHARS, MAX_REPEAT = 2, 12
LIMIT = 50
AGAINST = ("earlier", "previous")
_FIGURE = re.compile(r"[0-9]")  # a string with a figure is new by its number only
_WORDLIKE = re.compile(r"[\w\u3400-\u9fff]")


def new_phrases(corpus: Corpus, ref: str, against=None, limit: int | None = LIMIT) -> Novelty:
    """`against`: None or "earlier" (every earlier report of the region and level), "previous" (those
    of the latest earlier year), or a list of report references."""
    report = resolve_report(corpus, ref)
    baseline = baseline_of(corpus, report, against)
    displayed = list(_displays(corpus, report))  # the report read once
    lines = [(s, par, normalize_text(text), head) for s, par, _, head, text in displayed]
    text = "\n".join(n for _, _, n, _ in lines)
    heads = "\n".join(n for _, _, n, head in lines if head)
    quoted = set().union(*(quoted_terms(display) for *_, display in displayed))
    candidates, terms = _candidates(corpus, lines, quoted)
    seen = _baseline_index(corpus, baseline)
    counts = {}
    for phrase in candidates:
        if phrase not in seen:
            n = text.count(phrase)
            if n:
                counts[phrase] = n
    kept = _not_pieces(counts)
    ranked = sorted(kept, key=lambda p: (-_weight(counts[p], p in quoted, p in heads, p in terms), -len(p), p))
    phrases = []
    for p in ranked if limit is None else ranked[:limit]:
        section, paragraph = next((s, par) for s, par, n, _ in lines if p in n)
        phrases.append(NewPhrase(p, counts[p], section, paragraph, p in quoted, p in heads))
    years = [r.year for r in baseline if r.year is not None]
    return Novelty(report.id, report.title, report.year, tuple(r.id for r in baseline), tuple(phrases), len(kept),
                   (min(years, default=None), max(years, default=None)), region=report.region, **head_of(report))


def _weight(count: int, quoted: bool, in_heading: bool, term: bool) -> int:
    """How much the report uses a phrase: its count, more when it quotes it, heads a section with it,
    or it is a term (a word, not a run of words)."""
    return count + 3 * quoted + 3 * in_heading + 2 * term


def baseline_of(corpus: Corpus, report: ReportInfo, against) -> list[ReportInfo]:
    everyone = list_reports(corpus)
    family = _transcriptions(everyone, report.id)
    if against in (None, "earlier", "previous"):
        if report.year is None:
            raise QueryError(f"the year of {report.id} is unknown, so no report is earlier",
                             "Name the reports to compare with: --against REPORT.")
        earlier = [r for r in everyone if r.region == report.region and r.level == report.level
                   and r.year is not None and r.year < report.year and r.id not in family]
        if against == "previous" and earlier:
            latest = max(r.year for r in earlier)
            earlier = [r for r in earlier if r.year == latest]
        if not earlier:
            raise QueryError(f"no earlier {report.level} report of {report.region} to compare {report.id} with",
                             "Name the reports to compare with: --against REPORT.")
        return sorted(earlier, key=lambda r: (r.year, r.id))
    chosen = {}
    for ref in against:
        other = resolve_report(corpus, ref)
        if other.id == report.id:
            raise QueryError(f"{report.id} cannot be its own baseline", "Name other reports with --against.")
        chosen[other.id] = other
    return list(chosen.values())


def _transcriptions(everyone: list[ReportInfo], report_id: str) -> set[str]:
    """The report and every transcription of the same text (linked by duplicate_of, either way)."""
    root = {r.id: r.duplicate_of or r.id for r in everyone}
    mine = root.get(report_id, report_id)
    return {r.id for r in everyone if root[r.id] == mine or r.id == mine} | {report_id}


def _displays(corpus: Corpus, report: ReportInfo):
    """(section, paragraph, kind, is a head line, display text) of every line of the report (its
    lines as sectiontext has them: the title in the first section, the heading, the paragraphs)."""
    for sec in show(corpus, report.id).sections:
        for line in sectiontext.head_lines(report.title, sec.id, sec.heading):
            yield sec.id, 0, "head", True, line
        for p in sec.paragraphs:
            yield sec.id, p.n, p.kind, False, p.text


def _candidates(corpus: Corpus, lines, quoted: set[str]) -> tuple[set[str], set[str]]:
    """(every candidate, the terms among them): quoted terms, dictionary words and jieba words of
    2+ characters are terms; maximal repeated strings are candidates where they start and end at a
    word boundary (a string cut through a word is no unit a reader would quote)."""
    text = "\n".join(n for _, _, n, _ in lines)
    segmenter = corpus.segmenter
    terms = {q for q in quoted if len(q) >= MIN_CHARS}
    terms |= {w for w in segmenter.words if len(w) >= MIN_CHARS and w in text}
    bounds, at = {0}, 0
    for _, _, norm, _ in lines:
        for word, start, end in segmenter.tokens(norm):
            bounds.update((at + start, at + end))
            if len(word) >= MIN_CHARS:
                terms.add(word)
        at += len(norm) + 1
        bounds.add(at - 1)
    repeats = {r for r in _maximal_repeats([n for _, _, n, _ in lines]) if _on_boundaries(text, r, bounds)}
    keep = lambda p: not _FIGURE.search(p) and _WORDLIKE.search(p) and not any(map(is_mark, p))  # noqa: E731 — as printed: no phrase runs across a mark
    return {p for p in terms | repeats if keep(p)}, {p for p in terms if keep(p)}


def _on_boundaries(text: str, phrase: str, bounds: set[int]) -> bool:
    at = text.find(phrase)
    while at >= 0:
        if at in bounds and at + len(phrase) in bounds:
            return True
        at = text.find(phrase, at + 1)
    return False


def _maximal_repeats(lines: list[str]) -> set[str]:
    """Strings of 2–12 characters that stand at least twice and that no string one character longer
    holds every time (so neither end can be extended without losing an occurrence)."""
    counts = Counter()
    for line in lines:
        for size in range(MIN_CHARS, MAX_REPEAT + 2):
            for i in range(len(line) - size + 1):
                counts[line[i:i + size]] += 1
    extendable = set()
    for s, n in counts.items():
        if len(s) > MIN_CHARS and n >= 2:
            for piece in (s[1:], s[:-1]):
                if counts.get(piece) == n:
                    extendable.add(piece)
    return {s for s, n in counts.items() if n >= 2 and len(s) <= MAX_REPEAT and s not in extendable}


def _baseline_index(corpus: Corpus, baseline: list[ReportInfo]):
    """A suffix array over the baseline reports' normalized texts (index.suffixarray.TextIndex)."""
    from ..suffixarray import TextIndex

    sids = corpus.report_section_sids([r.id for r in baseline])
    metas = list(corpus.section_heads(sids).values())
    return TextIndex(list(corpus.norm_texts(metas).values()))


def _not_pieces(counts: dict[str, int]) -> list[str]:
    """The phrases that do not stand only inside a longer one: a phrase with the count of a longer
    phrase holding it is that phrase's piece."""
    inside = set()
    for q, n in counts.items():
        for size in range(MIN_CHARS, len(q)):
            for i in range(len(q) - size + 1):
                inside.add((q[i:i + size], n))
    return [p for p, n in counts.items() if (p, n) not in inside]
