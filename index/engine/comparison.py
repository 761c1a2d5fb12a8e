"""What sets one set of reports apart from another (`compare`): keyness by exact counts of character
strings, as corpus tools rank keywords (AntConc, WordSmith: Dunning's log-likelihood; Hardie's log
ratio), but on the phrases of index.engine.phrases rather than a segmenter's words.

A side is one report or the reports a filter expression keeps, a transcription folded under its
original; the reference is by default the rest of the archive (every report outside the target's
transcription families), its counts the archive's total less the target's. Two passes: every
candidate is counted on suffix arrays (the target's texts, the reference's or the archive's), the
leading ones again exactly as kwic counts them (index.engine.trends' per-report counting), and those
exact counts are what is ranked and printed."""

from __future__ import annotations

import functools
import math
from collections import Counter

import numpy as np

from .. import filters
from ..errors import NoReportError, NotFoundError, QueryError
from ..model import ComparedPhrase, Comparison, CompareSide
from . import phrases as ph
from .catalog import resolve_report
from .corpus import Corpus
from .query import And, Filter, Not, parse
from .trends import _earliest, _mention, _per_report

SORTS = ("g2", "logratio", "count")
MIN_COUNT = 3
LIMIT = 50
FEWER_MAX_CHARS = 5_000_000  # --fewer draws its candidates from the reference: at most this much text
ZERO = 0.5  # the log ratio's stand-in for a zero count (Hardie 2014), so that it stays finite
PER = 10_000  # rates per this many characters
EXACT_RANK = 200  # the leading candidates by the first pass counted again exactly (at least 4 × the limit)
MAX_WORDS = 4  # words in a candidate run
# In a comparison over time (every target year after every reference year), a phrase the archive wrote
# mostly before the target's first year is older usage the target uses more — a five-year review's
# 年均增长, 大会审查 — not what sets its time apart.
OLDER = 0.5
SIGNIFICANT = 3.84  # G² of p < 0.05 at one degree of freedom: below it, the difference may be chance


def g2(a: int, b: int, c: int, d: int) -> float:
    """Dunning's log-likelihood of `a` occurrences in `c` characters against `b` in `d` (the two-term
    form AntConc and WordSmith report: 2·Σ O·ln(O/E), a zero count contributing nothing)."""
    if a + b == 0 or c <= 0 or d <= 0:
        return 0.0
    e1, e2 = c * (a + b) / (c + d), d * (a + b) / (c + d)
    return 2 * ((a * math.log(a / e1) if a else 0.0) + (b * math.log(b / e2) if b else 0.0))


def log_ratio(a: int, b: int, c: int, d: int) -> float:
    """Hardie's log ratio, log2 of the ratio of the two rates; a zero count taken as ZERO (0.5)."""
    return math.log2(((a or ZERO) / c) / ((b or ZERO) / d))


def compare(corpus: Corpus, target: str, reference: str | None = None, *, fewer: bool = False, sort: str = "g2",
            min_count: int = MIN_COUNT, limit: int | None = LIMIT) -> Comparison:
    if sort not in SORTS:
        raise QueryError(f"cannot sort by {sort!r}", f"Sort by one of: {', '.join(SORTS)}.")
    if min_count < 1:
        raise QueryError(f"--min-count must be at least 1 (got {min_count})", "Give the fewest occurrences to list.")
    rows = _rows(corpus)
    table = corpus.section_table
    t_label, t_ids = side_of(corpus, target)
    if reference is None:
        r_label, r_ids = "the rest of the archive", _rest(table, rows, t_ids)
    else:
        r_label, r_ids = side_of(corpus, reference)
        if set(r_ids) & set(t_ids):
            raise QueryError(f"{target!r} and {reference!r} share reports ({', '.join(sorted(set(r_ids) & set(t_ids))[:3])} …)",
                             "Compare two sets with no report in common.")
    t_side, r_side = _side(table, rows, t_label, t_ids), _side(table, rows, r_label, r_ids)
    if fewer and r_side.chars > FEWER_MAX_CHARS:
        raise QueryError(f"--fewer draws its phrases from the reference, which has {r_side.chars:,} characters "
                         f"(at most {FEWER_MAX_CHARS:,})", "Name a smaller reference with --reference.")
    source = r_side if fewer else t_side
    texts = _texts(corpus, _unfolded(table, rows, source.reports))
    counted = _candidates(corpus, texts, min_count)
    direction = -1 if fewer else 1
    leading = _leading(corpus, rows, counted, texts, t_side, r_side, reference is None, fewer,
                       max(EXACT_RANK, 4 * (limit or 0)))
    since = _later_time(rows, t_side, r_side) if not fewer else None
    exact = _exact(corpus, rows, leading, t_side, r_side, reference is None, since)
    listed = {p: e for p, e in exact.items()
              if (e[0] if not fewer else e[1]) >= min_count and direction * _rate_diff(e[0], e[1], t_side, r_side) > 0
              and g2(e[0], e[1], t_side.chars, r_side.chars) >= SIGNIFICANT and e[4] <= OLDER}
    pieces = ph.pieces({p: (e[0], e[1]) for p, e in listed.items()}, set(listed))
    out = []
    for p, (a, b, reports, mention, _) in listed.items():
        if p in pieces:
            continue  # a piece of a longer listed phrase with its counts
        out.append(ComparedPhrase(p, a, b, round(PER * a / t_side.chars, 3) if t_side.chars else 0.0,
                                  round(PER * b / r_side.chars, 3) if r_side.chars else 0.0,
                                  round(g2(a, b, t_side.chars, r_side.chars), 3),
                                  round(log_ratio(a, b, t_side.chars, r_side.chars), 3), reports, mention))
    key = {"g2": lambda x: (-x.g2, x.phrase), "logratio": lambda x: (-direction * x.log_ratio, -x.g2, x.phrase),
           "count": lambda x: (-(x.target_count if not fewer else x.reference_count), -x.g2, x.phrase)}[sort]
    out.sort(key=key)
    return Comparison(t_side, r_side, tuple(out if limit is None else out[:limit]), len(out), fewer, sort, min_count,
                      since)


def side_of(corpus: Corpus, arg: str) -> tuple[str, list[str]]:
    """(label, report ids) of TARGET or REF: one report (as REPORT resolves elsewhere) or a filter
    expression of the query language (`year:2025 level:national`, `level:provincial NOT region:广东`);
    both readings is a usage error."""
    expression = _filters_of(arg)
    try:
        report = resolve_report(corpus, arg)
    except NotFoundError:
        if expression is None:
            raise
        report = None
    if report is not None and expression is not None:
        raise QueryError(f"{arg!r} reads both as the report {report.id} and as the filters {_label(*expression)}",
                         f"Name the report by its id ({report.id}) or write the filters apart from it.")
    if report is not None:
        return report.id, [report.id]
    kept, dropped = expression
    if any(field == "heading" for field, _ in kept + dropped):
        raise QueryError("heading: filters sections, not reports", "compare sets of whole reports: region:, year:, level:, report:.")
    ids = {r.id for r in corpus.reports(filters.conditions(kept))}
    for pair in dropped:
        ids -= {r.id for r in corpus.reports(filters.conditions([pair]))}
    if not ids:
        raise NoReportError(f"no report matches {_label(*expression)}",
                            "Check the filters: `baogao list` names the reports, their regions and years.")
    return _label(*expression), sorted(ids)


def _label(kept, dropped=()) -> str:
    return " ".join([f"{field}:{value}" for field, value in kept] + [f"NOT {field}:{value}" for field, value in dropped])


def _filters_of(arg: str) -> tuple[list, list] | None:
    """The (field, value) pairs a side keeps and those it drops (NOT) when `arg` is nothing but
    filters, else None."""
    if ":" not in arg:
        return None
    try:
        tree = parse(arg)
    except QueryError:
        return None
    parts = tree.parts if isinstance(tree, And) else (tree,)
    kept = [(p.field, p.value) for p in parts if isinstance(p, Filter)]
    dropped = [(p.part.field, p.part.value) for p in parts if isinstance(p, Not) and isinstance(p.part, Filter)]
    if not parts or len(kept) + len(dropped) != len(parts):
        return None
    return kept, dropped


def _rows(corpus: Corpus) -> dict[str, tuple]:
    """report id → (rowid, chars, info) of every report (info: what a first mention names)."""
    out = {}
    for rid, rep, title, reg, year, lev, chars, date in corpus.reports_for_counting([]):
        out[rep] = (rid, chars, {"id": rep, "title": title, "region": reg, "year": year, "level": lev, "chars": chars,
                                 "date": date})
    return out


def _rowids(rows, ids) -> np.ndarray:
    return np.array(sorted(rows[i][0] for i in ids if i in rows), np.int64)


def _folded_out(table, rids: np.ndarray) -> set[int]:
    """The transcriptions among `rids` whose original is among them too."""
    return set(table.folded(rids)[0].tolist())


def _side(table, rows, label: str, ids) -> CompareSide:
    """A side, its characters counted once per text (a transcription whose original is in it, not)."""
    rids = _rowids(rows, ids)
    out = _folded_out(table, rids)
    by_rid = {rows[i][0]: i for i in ids if i in rows}
    kept = [by_rid[r] for r in rids.tolist() if r not in out]
    return CompareSide(label, tuple(sorted(ids)), len(kept), int(sum(rows[i][1] for i in kept)))


def _unfolded(table, rows, ids) -> list[str]:
    """The reports of a side less the transcriptions of an original in it: one text each."""
    rids = _rowids(rows, ids)
    out = _folded_out(table, rids)
    return sorted(i for i in ids if i in rows and rows[i][0] not in out)


def _rest(table, rows, target_ids) -> list[str]:
    """Every report outside the target and its transcription families."""
    mine = set(_rowids(rows, target_ids).tolist())
    family = set(mine)
    pairs = list(zip(table.dup_rid.tolist(), table.dup_orig.tolist()))
    for _ in range(2):  # a transcription's original, and the original's other transcriptions
        for d, o in pairs:
            if d in family or o in family:
                family |= {d, o}
    return sorted(i for i, (rid, _, _) in rows.items() if rid not in family)


def _texts(corpus: Corpus, ids) -> list[str]:
    sids = corpus.report_section_sids(ids)
    metas = list(corpus.section_heads(sids).values())
    return list(corpus.norm_texts(metas).values())


def _candidates(corpus: Corpus, texts: list[str], min_count: int) -> Counter:
    """The phrases of the texts (index.engine.phrases: quoted formulations, parallel series, words of
    2+ characters, runs of up to four words between two marks), with how often each is written at a
    word boundary — a first count: those written fewer than `min_count` times are left out — less
    names, idioms, figures, thanks, everyday words and runs cut from a longer phrase."""
    segmenter = corpus.segmenter
    tags = functools.lru_cache(maxsize=None)(segmenter.tags)
    lines = [line for text in texts for line in text.split("\n")]
    counted, quoted, names = _read_in_parts(segmenter, lines)
    for q in quoted:
        counted[q] = max(counted[q], 1)
    slogans = set(segmenter.words)

    is_idiom = ph.idiom_test(slogans, quoted, tags)

    out = Counter()
    for p, n in counted.items():
        if n < min_count:
            continue
        if p not in quoted and "，" not in p and not ph.plain_phrase(p):
            continue
        if ph.never_listed(p, names, is_idiom) is not None:
            continue
        words = tags(p)
        if len(words) == 1 and words[0][0] in ph.FOLDING_WORDS:
            continue  # 提升, quoted or not: a governing verb alone
        if p not in quoted and "，" not in p and (
                set(ph.run_edges(p, tags)) & ph.EDGE_TAGS  # 的服务型政府, 两项补贴和
                or (len(words) == 1 and words[0][1] not in ph.COINED_TAGS)  # 机制, 规范: everyday words
                or words[0][0] in ph.FOLDING_WORDS or words[-1][0] in ph.FOLDING_WORDS  # 推动科技: a verb and its object
                or (len(words) > 1 and (_loose_end(words[0]) or _loose_end(words[-1])))  # 个五年, 时期是, 发展新
                or words[0][1] in ("m", "q")):  # 五年来: a count starts no phrase
            continue
        out[p] = n
    return out


# A side of more characters than this is read on two cores (a process each, forked: the segmenter is
# theirs without loading it again), its halves' counts summed.
TWO_CORES = 1_000_000
_SEGMENTER = None  # the forked readers' segmenter


def _read_in_parts(segmenter, lines: list[str]) -> tuple[Counter, set[str], set[str]]:
    import multiprocessing
    import os

    global _SEGMENTER
    if sum(map(len, lines)) <= TWO_CORES or (os.cpu_count() or 1) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return _read(segmenter, lines)
    _SEGMENTER = segmenter
    try:
        half = len(lines) // 2
        with multiprocessing.get_context("fork").Pool(2) as pool:
            (c1, q1, n1), (c2, q2, n2) = pool.map(_read_forked, [lines[:half], lines[half:]])
    finally:
        _SEGMENTER = None
    c1.update(c2)
    return c1, q1 | q2, n1 | n2


def _read_forked(lines):
    return _read(_SEGMENTER, lines)


def _read(segmenter, lines: list[str]) -> tuple[Counter, set[str], set[str]]:
    """Every line's candidates, counted where they stand at word boundaries; its quoted terms and the
    names it prints before a title."""
    counted: Counter = Counter()
    quoted: set[str] = set()
    names: set[str] = set()
    for raw in lines:
        line = ph.unnumbered(raw)
        quoted |= {q for q in ph.quoted_formulations(raw) if ph.quoted_phrase(q)}
        names |= ph.names_in(line)
        tagged = ph.tagged_tokens(line, segmenter.tags(line))
        if "，" in line:
            counted.update(ph.parallel_series(line, {b for _, s, e, _ in tagged for b in (s, e)}))
        for run in ph.word_runs(line, tagged):
            counted.update([line[run[i][0]:run[j][1]] for i in range(len(run))
                            for j in range(i, min(len(run), i + MAX_WORDS))
                            if ph.MIN_CHARS <= run[j][1] - run[i][0] <= ph.MAX_CHARS])
    return counted, quoted, names


def _loose_end(word: tuple[str, str]) -> bool:
    """A one-character word at a run's end that is no noun: the run is cut from a longer phrase."""
    return len(word[0]) == 1 and word[1] not in ("n", "ns", "nz", "j", "")


def _leading(corpus: Corpus, rows, counted, texts, t_side, r_side, rest: bool, fewer: bool, k: int) -> list[str]:
    """The `k` candidates of the highest G² in the wanted direction, on first counts made on suffix
    arrays (overlaps counted): the texts they are drawn from, the other side's texts — or, for the rest
    of the archive, the archive's index less the target (its count takes in every transcription: a
    first count, for ranking). Taken by their count where they are drawn from, highest first, the
    search stops once no candidate left could beat the k-th: for a count n, G² is largest when the
    other side has none."""
    import heapq

    from ..suffixarray import TextIndex

    c, d = t_side.chars, r_side.chars
    drawn = TextIndex(texts)
    if fewer or not rest:
        other_side = TextIndex(_texts(corpus, _unfolded(corpus.section_table, rows,
                                                        (t_side if fewer else r_side).reports)))
        other = lambda p, n: other_side.count(p)  # noqa: E731
    else:
        def other(p, n):
            total = corpus.total(p)
            if total is None:  # a corpus that cannot tell cheaply: each section's count
                total = int(corpus.holding(p)[1].sum())
            return max(0, total - n)
    direction = -1 if fewer else 1
    best: list[tuple[float, str]] = []
    for n, p in sorted(((drawn.count(p), p) for p in counted), key=lambda x: (-x[0], x[1])):
        bound = g2(0, n, c, d) if fewer else g2(n, 0, c, d)
        if len(best) >= k and best[0][0] >= bound:
            break
        a, b = (other(p, n), n) if fewer else (n, other(p, n))
        if direction * _rate_diff(a, b, t_side, r_side) <= 0:
            continue
        item = (g2(a, b, c, d), p)
        if len(best) < k:
            heapq.heappush(best, item)
        elif item > best[0]:
            heapq.heapreplace(best, item)
    return [p for _, p in sorted(best, key=lambda x: (-x[0], x[1]))]


def _rate_diff(a, b, t_side, r_side) -> float:
    return a / max(1, t_side.chars) - b / max(1, r_side.chars)


def _exact(corpus: Corpus, rows, phrases, t_side, r_side, rest: bool, since: int | None) -> dict[str, tuple]:
    """phrase → (target occurrences, reference occurrences, target reports holding it, its first
    mention in the target, the share of its archive use older than `since`), counted as kwic counts
    them (live sections, a transcription folded under its original); for the rest of the archive, the
    archive's count less the target's."""
    from .searching import exact_occurrences

    t_rids, r_rids = _rowids(rows, t_side.reports), _rowids(rows, r_side.reports)
    info = {rid: inf for rid, _, inf in rows.values()}
    out = {}
    for p in phrases:
        found = corpus.holding(p)
        per_t, first_sid = _per_report(corpus, found, t_rids, False)
        a = int(sum(per_t.values()))
        b = exact_occurrences(corpus, p) - a if rest else int(sum(_per_report(corpus, found, r_rids, False)[0].values()))
        mention = None
        if first_sid:
            rid = min(first_sid, key=lambda r: _earliest(info[r]))
            mention = _mention(corpus, info[rid], first_sid[rid], p)
        out[p] = (a, b, len(per_t), mention, _older(corpus, found, since))
    return out


def _later_time(rows, t_side, r_side) -> int | None:
    """The target's first year when every target report is of a later year than every reference
    report (a comparison over time), else None."""
    def years(side):
        return [rows[i][2]["year"] for i in side.reports if i in rows]
    t, r = years(t_side), years(r_side)
    if not t or not r or None in t or None in r or min(t) <= max(r):
        return None
    return min(t)


def _older(corpus: Corpus, found, since: int | None) -> float:
    """The share of the archive's occurrences of a phrase in reports of a year before `since` (0 when
    no year is given): how much of its use is older than the target's time."""
    if since is None:
        return 0.0
    table = corpus.section_table
    sids, counts = found
    pos = table.live_positions(sids)
    live = pos >= 0
    years, counts = table.year[pos[live]], counts[live]
    total = counts.sum()
    return float(counts[(years > 0) & (years < since)].sum() / total) if total else 0.0
