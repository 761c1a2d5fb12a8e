"""What is new in a report (新提法): the phrases it writes that none of its baseline reports does.

The baseline is by default every earlier report (by year) of the same region and level — for a
national report, all earlier national reports — never one of unknown year, never a transcription of
the report itself. The candidates are index.engine.phrases' (quoted formulations, dictionary and jieba
words, maximal repeats, minimal new runs of words), less what is never listed (names, craft, idioms,
thanks, figures, heading numbering). Presence in the baseline is decided on the normalized texts (the
one normalization) through a suffix array of the baseline's texts; counts are of the report's
normalized lines, as `search -e` counts them. Ranked by use — count, quoted, in a heading, a term — and,
where the archive has later reports, by how many of them (any level) take the phrase up. A phrase that
only adds a verb or a particle to a higher-ranked one folds under it."""

from __future__ import annotations

import functools
import math
from typing import NamedTuple

from archive import normalize_text
from archive.marks import is_mark

from .. import sectiontext
from .catalog import list_reports, resolve_report, show
from ..errors import QueryError
from .corpus import Corpus
from ..model import NewPhrase, Novelty, ReportInfo, head_of
from . import phrases as ph

LIMIT = 50
# The leading candidates looked up in the rest of the archive (a lookup each): how many later reports
# take them up (none are asked for the latest year's report: it has no later reports), then, of the
# leading ones after that, how many sections quote them.
LATER_LOOKED_UP, QUOTES_LOOKED_UP = 1500, 400
GENERAL_WORD = 4  # a single word of jieba's general dictionary (phrases.COINED_TAGS) weighs this much less
_SLOGAN_NUMERALS = set("一二三四五六七八九十两百千万")
AGAINST = ("earlier", "previous")


def new_phrases(corpus: Corpus, ref: str, against=None, limit: int | None = LIMIT) -> Novelty:
    """`against`: None or "earlier" (every earlier report of the region and level), "previous" (those
    of the latest earlier year), or a list of report references."""
    report = resolve_report(corpus, ref)
    everyone = list_reports(corpus)
    baseline = baseline_of(corpus, report, against, everyone)
    displayed = list(_displays(corpus, report))  # the report read once
    lines = [(s, par, normalize_text(text), head) for s, par, _, head, text in displayed]
    text = "\n".join(n for _, _, n, _ in lines)
    heads = "\n".join(n for _, _, n, head in lines if head)
    # a heading's clauses, its numbering cut off: a phrase that ends one is what the heading names
    # (因地制宜发展新质生产力 → 新质生产力); one inside it is a piece of its wording (一年工作 of 过去一年工作回顾)
    clauses = {c for _, _, n, head in lines if head for c in _clauses(ph.unnumbered(n))}
    quoted = set().union(*(ph.quoted_formulations(display) for *_, display in displayed))
    seen = _baseline_index(corpus, baseline)
    known: dict[str, bool] = {}

    def is_new(phrase: str) -> bool:
        if phrase not in known:
            known[phrase] = phrase not in seen
        return known[phrase]

    found = _candidates(corpus, lines, quoted, is_new)
    candidates, terms, series, extended = found.every, found.terms, found.series, found.longer
    names = ph.speaker_names(r.speaker for r in everyone) | ph.names_in(text)
    segmenter = corpus.segmenter
    slogans = set(segmenter.words)
    tags = functools.lru_cache(maxsize=None)(segmenter.tags)  # a phrase is tagged once, however many rules ask

    is_idiom = ph.idiom_test(slogans, quoted, tags)

    def governed(run: str) -> bool:  # a run that starts or ends with a governing verb (落实科学, 水平进一步提升)
        words = tags(run)
        return words[0][0] in ph.FOLDING_WORDS or words[-1][0] in ph.FOLDING_WORDS

    def no_unit(phrase: str) -> bool:  # a run that starts or ends with a particle: no phrase
        return phrase not in terms and bool(set(ph.run_edges(phrase, tags)) & ph.EDGE_TAGS)

    counts = {}
    for phrase in candidates:
        if is_new(phrase) and ph.never_listed(phrase, names, is_idiom) is None and not no_unit(phrase):
            n = text.count(phrase)
            if n:
                counts[phrase] = n
    # a longer unit or a series leaves its parts listed; a minimal new run is listed even inside a term,
    # unless a governing verb starts or ends it (落实科学 of 落实科学发展观)
    in_terms = ph.pieces(counts, set(counts) - extended - series)
    in_units = ph.pieces(counts, set(counts) & (extended | series))
    kept = [p for p in counts if not (p in in_terms and (p not in found.runs or governed(p)))
            and not (p in in_units and p in found.runs and governed(p))]
    heading = {p: p in heads and (p in terms or any(c.endswith(p) for c in clauses)) for p in kept}
    weight = {p: _weight(p, counts[p], p in quoted, heading[p], p in slogans, p in terms, tags, p in series)
              - 2 * (p in extended and counts[p] < 2)  # a longer unit written once
              for p in kept}
    # The leading candidates, looked up in the rest of the archive (a lookup each: the Solr backend asks
    # it over HTTP): how many later reports take each up, how many sections quote it (a term, then).
    leading = sorted(kept, key=lambda p: (-weight[p], -len(p), p))[:LATER_LOOKED_UP]
    later = _later_reports(corpus, report, everyone, leading)
    for p in leading:
        if later.get(p):
            weight[p] += 0.5 * math.log2(1 + later[p]) * (p in quoted or p in slogans or len(p) >= 3)
            weight[p] += 2 * (p in extended and counts[p] < 2)  # written once here, but taken up after
    for p in sorted(kept, key=lambda p: (-weight[p], -len(p), p))[:QUOTES_LOOKED_UP]:
        quoted_in, written_in = _quoted_elsewhere(corpus, p)
        # a term the archive quotes — by how often, and how much of its use is in quotes: 三农 (93 %),
        # not an everyday word a report once put in quotes (减负: 10 of 1,929 sections)
        weight[p] += min(8.0, 1.5 * math.log2(1 + quoted_in)) * min(1.0, 4 * quoted_in / max(1, written_in))
    ranked = _folded(sorted(kept, key=lambda p: (-weight[p], -len(p), p)), tags)
    phrases = []
    for p in ranked if limit is None else ranked[:limit]:
        section, paragraph = next((s, par) for s, par, n, _ in lines if p in n)
        phrases.append(NewPhrase(p, counts[p], section, paragraph, p in quoted, p in heads, later.get(p)))
    years = [r.year for r in baseline if r.year is not None]
    return Novelty(report.id, report.title, report.year, tuple(r.id for r in baseline), tuple(phrases), len(ranked),
                   (min(years, default=None), max(years, default=None)), region=report.region, **head_of(report))


def _weight(phrase: str, count: int, quoted: bool, in_heading: bool, slogan: bool, term: bool, tags,
            series: bool = False) -> float:
    """How much a phrase matters in the report: how it marks it (quoted, a heading, a slogan of the
    dictionary, the shape of one: a numeral in a short phrase, 一带一路 两个维护; a parallel series a
    little), how much it uses it — and less for a lone everyday word (应急, 降至) or a verb and its
    object (推进农业), which are new only by chance. (Later use and quoting elsewhere: new_phrases.)"""
    marked = quoted or slogan
    score = min(count, 5) + 4 * quoted + 3 * in_heading + 3 * slogan + 2 * series
    if len(phrase) <= 8 and any(ch in _SLOGAN_NUMERALS for ch in phrase):
        score += 3
    if len(phrase) >= 4:
        score += 2
    words = tags(phrase)
    if not marked and len(words) == 1:
        score -= 4 if len(phrase) <= 2 else 2
    if len(words) == 1 and words[0][1] not in ph.COINED_TAGS:
        score -= GENERAL_WORD  # a word of jieba's general dictionary (蛋糕, 减法, 第三方), quoted or not
    governing = len(words) > 1 and words[0][0] in ph.FOLDING_WORDS  # 推动区域协调发展, even as a heading
    if not (marked or series) and (governing or (not in_heading and ph.run_edges(phrase, tags)[0] in ph.VERB_TAGS)):
        score -= 5  # 推进农业, 进一步提升, 全面贯彻新发展理念: a verb and its object
    if not (marked or series) and len(words) > 1 and words[-1][0] in ph.FOLDING_WORDS:
        score -= 5  # 体系进一步完善, 水平进一步提升: a clause's subject and its verb
    return score


def _clauses(line: str) -> list[str]:
    """The stretches of `line` between its marks."""
    out, start = [], 0
    for at, ch in enumerate(line + "，"):
        if at == len(line) or is_mark(ch):
            if at > start:
                out.append(line[start:at])
            start = at + 1
    return out


def _folded(ranked: list[str], tags) -> list[str]:
    """The ranked phrases less those that only add verbs or particles (加强, 推进…建设, 和) to a
    higher-ranked one."""
    out: list[str] = []
    listed: set[str] = set()
    for p in ranked:
        inside = {p[i:j] for i in range(len(p)) for j in range(i + ph.MIN_CHARS, len(p) + 1)} & listed - {p}  # listed, in p
        if not any(_only_function_words(p.replace(q, " ", 1), tags) for q in inside):
            out.append(p)
            listed.add(p)
    return out


def _only_function_words(rest: str, tags) -> bool:
    found = [(word, tag) for part in rest.split(" ") if part for word, tag in tags(part)]
    return bool(found) and all(tag in ph.FOLDING_TAGS or word in ph.FOLDING_WORDS for word, tag in found)


def _quoted_elsewhere(corpus: Corpus, phrase: str) -> tuple[int, int]:
    """How many sections of the archive write `phrase` between quotes (“三农”), and how many write it."""
    quoted, _ = corpus.holding(f"“{phrase}”")
    if not len(quoted):
        return 0, 0  # quoted nowhere: no need to ask where it is written
    written, _ = corpus.holding(phrase)
    return len(quoted), len(written)


def _later_reports(corpus: Corpus, report: ReportInfo, everyone: list[ReportInfo], phrases) -> dict[str, int]:
    """phrase → how many reports of a later year (any level; transcriptions of one text once) write it;
    empty when the archive has no later report."""
    import numpy as np

    if report.year is None or not any(r.year is not None and r.year > report.year for r in everyone):
        return {}
    table = corpus.section_table
    out = {}
    for p in phrases:
        sids, _ = corpus.holding(p)
        at = table.live_positions(sids)
        at = at[at >= 0]
        rids = np.unique(table.rid[at[table.year[at] > report.year]])
        copies, _ = table.folded(rids)
        out[p] = int(len(rids) - len(np.unique(copies)))
    return out


def baseline_of(corpus: Corpus, report: ReportInfo, against, everyone: list[ReportInfo] | None = None) -> list[ReportInfo]:
    everyone = list_reports(corpus) if everyone is None else everyone
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


class Candidates(NamedTuple):
    every: set[str]
    terms: set[str]
    series: set[str]
    longer: set[str]
    runs: set[str]


def _candidates(corpus: Corpus, lines, quoted: set[str], is_new) -> Candidates:
    """Every candidate, the terms among them, the parallel series, the longer units, the runs: quoted
    formulations, parallel series, dictionary words and jieba words of 2+ characters are terms; minimal
    new runs of words are candidates, and the longer units around them — noun-like words added, runs
    that touch joined, the four characters around a short one (index.engine.phrases). No line's own
    numbering starts one."""
    segmenter = corpus.segmenter
    terms: set[str] = set()  # (a dictionary word is one of jieba's words: the dictionary is loaded into it)
    runs, series, extended = set(), set(), set()
    for _, _, norm, _ in lines:
        line = ph.unnumbered(norm)
        tagged = ph.tagged_tokens(line, segmenter.tags(line))  # jieba's words, with their tags
        terms |= {word for word, *_ in tagged if len(word) >= ph.MIN_CHARS}
        found = ph.minimal_new_runs(line, tagged, is_new)
        extended |= ph.extensions(line, tagged, found)
        extended |= ph.new_stretches(line, tagged, found)
        runs |= found
        series |= ph.parallel_series(line, {b for _, start, end, _ in tagged for b in (start, end)})
    as_quoted = {q for q in quoted if ph.quoted_phrase(q)}  # as printed in quotes: its marks and figures too
    terms = {p for p in terms if ph.plain_phrase(p)} | as_quoted | series
    extended = {p for p in extended if ph.plain_phrase(p)} - terms
    runs = {p for p in runs if ph.plain_phrase(p)}
    return Candidates(runs | terms | extended, terms, series, extended, runs)


def _baseline_index(corpus: Corpus, baseline: list[ReportInfo]):
    """A suffix array over the baseline reports' normalized texts (index.suffixarray.TextIndex)."""
    from ..suffixarray import TextIndex

    sids = corpus.report_section_sids([r.id for r in baseline])
    metas = list(corpus.section_heads(sids).values())
    return TextIndex(list(corpus.norm_texts(metas).values()))
