"""Quote verification: does a quote stand in a report verbatim, where, and if not, what differs.

Candidates come from the substring index: overlapping 8-character windows of the quote's
punctuation-free runs vote for the sections that hold them, so neither a changed figure nor a changed
comma hides the passage. Each candidate is aligned character by character (rapidfuzz opcodes) on the
punctuation-free text of its heading and body paragraphs — a quote may cross a line break — and the
differences are classified: a figure (a number with its %), wording, or punctuation. Punctuation and
whitespace never change the verdict; a figure difference is never hidden by a high similarity.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass

from archive import loose, normalize, simplified
from archive.numerals import NUMERALS, as_digits, figures
from archive.charclasses import WORDLIKE_IDEOGRAPHS

from .. import sectiontext
from ..errors import QueryError
from .corpus import Corpus
from ..model import FORM_KINDS, Difference, Match, Verdict, head_of

WINDOW = 8
CLOSE_AT = 0.7  # below this similarity a passage is not the quoted one
MAX_CANDIDATES = 40
MAX_MATCHES = 10
MAX_QUOTE_CHARS = 5000  # longer than any paragraph a journalist quotes; a window search each 8 characters
CANDIDATE_VOTE_SHARE = 0.3  # a candidate needs this share of the best candidate's window votes
_COMMON = 2000  # a window in more sections than this says nothing about where the quote is from
_PUNCT_CHARS = "\"',.;:!?()[]<>《》【】—-·、"
_ELISION = re.compile(r"\.{3,}|…+")
# Punctuation-free runs of the quote; a decimal point inside a number does not break a run.
_RUN_BREAK = re.compile(rf"(?:(?<!\d)\.|\.(?!\d)|[^\w%.{WORDLIKE_IDEOGRAPHS}])+")


def _is_core(ch: str) -> bool:
    """Characters that count for the verdict: not punctuation, not whitespace (`%` counts)."""
    return not ch.isspace() and (not unicodedata.category(ch).startswith("P") or ch == "%")


class _CoreTable(dict):
    """code → itself where the character counts (`_is_core`), else NUL; filled per distinct
    character (str.translate calls __missing__), so a short text is masked in C."""

    def __missing__(self, code: int) -> int:
        self[code] = code if _is_core(chr(code)) else 0
        return self[code]


_CORE_TABLE = _CoreTable()
_DECIMAL_POINT = re.compile(r"(?<=\d)\.(?=\d)")
_KEPT = re.compile(r"[^\0]+")


def _core(text: str) -> tuple[str, list[int]]:
    """The characters that count, with their indexes: punctuation and whitespace go, except a
    decimal point inside a number (45.41% and 4541% are different figures)."""
    masked = text.translate(_CORE_TABLE)
    if "." in text:
        chars = list(masked)
        for m in _DECIMAL_POINT.finditer(text):
            chars[m.start()] = "."
        masked = "".join(chars)
    idx: list[int] = []
    for m in _KEPT.finditer(masked):
        idx.extend(range(m.start(), m.end()))
    return masked.replace("\0", ""), idx


_BMP_COUNTS = None  # numpy bool per BMP code point: `_is_core`, from archive.punctuation's table


def _bmp_counts():
    global _BMP_COUNTS
    if _BMP_COUNTS is None:
        import numpy as np

        from archive.punctuation import EXCEPT, RANGES

        counts = np.ones(0x10000, dtype=bool)
        for lo, hi in RANGES:
            counts[lo:hi + 1] = False
        counts[[ord(c) for c in EXCEPT if c != "%"]] = False
        counts[[c for c in range(0x3001) if chr(c).isspace()]] = False
        _BMP_COUNTS = counts
    return _BMP_COUNTS


def _core_of_passage(text: str):
    """`_core` for a whole section, in numpy: the same mask, without a Python step per character;
    the indexes as an array."""
    import numpy as np

    codes = np.frombuffer(text.encode("utf-32-le"), dtype="<u4")
    bmp = codes < 0x10000
    keep = _bmp_counts()[np.where(bmp, codes, 0)]
    if not bmp.all():
        for i in np.flatnonzero(~bmp).tolist():
            keep[i] = _CORE_TABLE[int(codes[i])] != 0
    if "." in text:
        for m in _DECIMAL_POINT.finditer(text):
            keep[m.start()] = True
    idx = np.flatnonzero(keep)
    return codes[idx].tobytes().decode("utf-32-le"), idx


def _windows(core_runs: list[str]) -> list[str]:
    out: list[str] = []
    for run in core_runs:
        if len(run) < 2:
            continue
        w = _window_size(len(run))
        step = max(1, w // 2)
        for i in range(0, len(run) - w + 1, step):
            out.append(run[i:i + w])
        out.append(run[-w:])
    return list(dict.fromkeys(out))


@dataclass
class _Passage:
    """One section's quotable lines (head lines, body and note paragraphs), normalized, with maps
    back to paragraphs and display text."""

    norm: str
    para_of: list[int]  # per normalized char: its paragraph number
    offset_of: list[int]  # per normalized char: its display offset in that paragraph
    core: str
    core_idx: "numpy.ndarray"  # per core char: its index in norm
    paragraphs: dict[int, str]
    worded: dict[int, tuple[str, str]]  # start in norm of a figure printed in numerals → (as printed, digits)


def _figures_read(norm: str, read: bool):
    """archive.numerals.as_digits, or the text as it is."""
    return as_digits(norm) if read and NUMERALS.search(norm) else (norm, range(len(norm)), [])


def _passage(rows, read_figures: bool = True) -> _Passage:
    """Figures printed in numerals are compared in digits (百分之五点二 as 5.2%: archive.numerals)."""
    parts, para_of, offset_of = [], [], []
    paragraphs, worded = {}, {}
    at = 0  # where the paragraph starts in the passage's text
    for n, text, kind in rows:
        if kind in ("caption", "byline"):
            continue  # not quoted text
        norm, offsets = normalize(text, keep_punctuation=True)
        if read_figures and NUMERALS.search(norm):
            digits, back, figures = as_digits(norm)
            if figures:  # each figure: where it stands → (as printed, normalized; its digits)
                worded.update((at + int(bool(parts)) + cs, (norm[os_:oe], digits[cs:ce])) for cs, ce, os_, oe in figures)
                norm, offsets = digits, [offsets[i] for i in back]
        if parts:
            parts.append("\n")
            para_of.append(n)
            offset_of.append(0)
            at += 1
        parts.append(norm)
        at += len(norm)
        para_of.extend(itertools.repeat(n, len(norm)))
        offset_of.extend(offsets[:len(norm)])
        paragraphs[n] = text
    norm = "".join(parts)
    core, idx = _core_of_passage(norm)
    return _Passage(norm, para_of, offset_of, core, idx, paragraphs, worded)


def verify(corpus: Corpus, quote: str) -> Verdict:
    """The quote as printed first; where that is not exact and figures written in numerals are at
    stake (in the quote, or in the passage it found), again with figures read as digits on both
    sides (百分之五点二 as 5.2%), and the better verdict wins. So a verbatim quote costs one pass."""
    printed, places = _verify(corpus, quote, read_figures=False)
    if printed.verdict == "exact":
        return printed
    in_words = bool(figures(quote)) or any(NUMERALS.search(d.quote + d.source) for m in printed.matches[:1]
                                            for d in m.differences if d.kind not in FORM_KINDS)
    if not in_words:
        return printed
    read, _ = _verify(corpus, quote, read_figures=True, only=None if printed.verdict == "not_found" or figures(quote) else places)
    if _rank(read) > _rank(printed):
        return read
    return printed


def _rank(v: Verdict) -> tuple:
    best = v.matches[0].similarity if v.matches else 0.0
    return ({"not_found": 0, "close": 1, "exact": 2}[v.verdict], best)


def _verify(corpus: Corpus, quote: str, read_figures: bool, only: list[int] | None = None) -> tuple[Verdict, list[int]]:
    """The verdict, and the sections of its matches. `only`: match these sections, no search."""
    import numpy as np

    if not quote.strip():
        raise QueryError("the quote is empty", "Give the sentence to check, in quotes.")
    if len(quote) > MAX_QUOTE_CHARS:
        raise QueryError(f"the quote is too long ({len(quote)} characters; at most {MAX_QUOTE_CHARS})",
                         "Check it a paragraph at a time.")
    worded_quote = normalize(quote.strip(), keep_punctuation=True)[0]
    qnorm, _, qfigures = _figures_read(worded_quote, read_figures)
    quote_words = {}  # a figure the quote writes in numerals: its digits → as written
    for cs, ce, os_, oe in qfigures:
        quote_words[qnorm[cs:ce]] = worded_quote[os_:oe]
    pieces = [p for p in (x.strip("\n ") for x in _ELISION.split(qnorm)) if _core(p)[0]]
    if not pieces:
        raise QueryError("the quote has nothing to check (only punctuation)", "Give the words of the quote.")
    if only is not None:
        return _verdict(corpus, quote, only, pieces, quote_words, read_figures)
    runs = [r for p in pieces for r in _RUN_BREAK.split(p) if r]
    if quote_words:  # windows of the figures as the quote writes them too: a source may print them so
        runs += [r for r in _RUN_BREAK.split(worded_quote) if r and r not in runs]
    voters = []  # per window, the sections holding it
    for w in _windows(runs):
        sids = corpus.holding_at_most(w, _COMMON)
        if sids is not None:
            voters.append(sids)
    sids, votes = np.unique(np.concatenate(voters), return_counts=True) if voters else ([], [])
    verbatim = _across_lines(corpus, quote.strip())
    if not len(sids) and not verbatim:
        return Verdict(quote, "not_found", ()), []
    if len(sids):
        keep = votes >= max(1, votes.max() * CANDIDATE_VOTE_SHARE)
        sids, votes = sids[keep], votes[keep]
    voted = sids[np.lexsort((sids, -votes))].tolist() if len(sids) else []
    candidates = list(dict.fromkeys(verbatim + voted))[:MAX_CANDIDATES]
    return _verdict(corpus, quote, candidates, pieces, quote_words, read_figures)


def _verdict(corpus: Corpus, quote: str, candidates: list[int], pieces, quote_words, read_figures: bool):
    corpus.with_text(list(corpus.section_heads(candidates).values()))  # their texts at hand, in one go
    found = [(m, sid) for m, sid in ((_match(corpus, sid, pieces, quote_words, read_figures, quote), sid)
                                     for sid in candidates)
             if m is not None]
    found.sort(key=lambda f: (-f[0].similarity, -(f[0].year or 0), f[0].report, f[0].section_id))
    found = found[:MAX_MATCHES]
    if not found:
        return Verdict(quote, "not_found", ()), []
    verdict = "exact" if found[0][0].exact else "close"
    if verdict == "exact":  # the quote stands verbatim: the other exact places, not near misses
        found = [f for f in found if f[0].exact]
    return Verdict(quote, verdict, tuple(m for m, _ in found)), [sid for _, sid in found]


MAX_LINE_SPLITS = 4  # gaps tried as line breaks together: at most 2^4 substring searches


def _across_lines(corpus: Corpus, quote: str) -> list[int]:
    """The sections holding the quote verbatim across line breaks: a quote copied from a web page
    runs from a heading into the text under it with a newline or a space between, which
    normalization drops, while the index keeps each line on its own. Each gap of the quote is tried
    as a line break (a common heading alone would be too common a window to find the section)."""
    import re

    parts = re.split(r"\s+", quote)
    if len(parts) < 2 or _ELISION.search(quote):
        return []
    gaps = len(parts) - 1
    found: list[int] = []
    for mask in range(1, 2 ** min(gaps, MAX_LINE_SPLITS)):
        lines, current = [], parts[0]
        for k, part in enumerate(parts[1:]):
            if mask >> k & 1:
                lines.append(current)
                current = part
            else:
                current += " " + part
        lines.append(current)
        needle = "\n".join(loose(normalize(line)[0]) for line in lines)
        if "\n\n" not in needle and not needle.startswith("\n") and not needle.endswith("\n"):
            found += corpus.holding(needle, loose=True)[0].tolist()
    return list(dict.fromkeys(found))


def _match(corpus: Corpus, sid: int, pieces: list[str], quote_words: dict[str, str] | None = None,
           read_figures: bool = True, quote: str = "") -> Match | None:
    meta = corpus.section_heads([sid]).get(sid)
    if meta is None:  # replaced since its segment was written
        return None
    n, heading, path, report, title, year, url, urls = (meta.n, meta.heading, meta.path, meta.report, meta.title,
                                                        meta.year, meta.url, meta.urls)
    # The head lines are quotable too (a quote may run from a heading into the text under it):
    # the heading is paragraph 0, the title (first section only) -1 until it is reported as 0.
    heads = sectiontext.head_lines(title, n, heading)
    rows = [(k - len(heads) + 1, text, "heading") for k, text in enumerate(heads)]
    rows += [(pn, text, kind) for pn, text, kind, _ in corpus.paragraphs_of(sid)]
    p = _passage(rows, read_figures)
    if not p.core:
        return None
    pos = 0
    spans = []  # (core start, core end) per piece
    for piece in pieces:
        qcore = _core(piece)[0]
        found = _align(qcore, p.core, pos)
        if found is None:
            return None
        spans.append(found)
        pos = found[1]
    ranges = [[int(p.core_idx[cs]), int(p.core_idx[ce - 1]) + 1] for cs, ce in spans]
    # Punctuation the quote opens or closes with belongs to the passage when the source has it too.
    head = pieces[0][:len(pieces[0]) - len(pieces[0].lstrip(_PUNCT_CHARS))]
    for c in reversed(head):
        if ranges[0][0] > 0 and p.norm[ranges[0][0] - 1] == c:
            ranges[0][0] -= 1
        else:
            break
    tail = pieces[-1][len(pieces[-1].rstrip(_PUNCT_CHARS)):]
    for c in tail:
        if ranges[-1][1] < len(p.norm) and p.norm[ranges[-1][1]] == c:
            ranges[-1][1] += 1
        else:
            break
    start, end = ranges[0][0], ranges[-1][1]
    diffs, marks, edits, qlen = [], [], 0, 0
    for piece, (cs, ce), (ns, ne) in zip(pieces, spans, ranges):
        d, m, e = _differences(piece, p.norm, ns, ne, start)
        diffs += d
        marks += m
        edits += e
        qlen += len(_core(piece)[0])
    src_len = sum(ce - cs for cs, ce in spans)
    similarity = max(0.0, 1 - edits / max(qlen, src_len, 1))
    if similarity < CLOSE_AT:
        return None
    diffs = _in_words(diffs, quote_words or {}) + _figure_forms(p, start, end, quote_words or {}, "".join(pieces))
    para_start, para_end = p.para_of[start], p.para_of[end - 1]
    source, source_marks = _display(p, start, end, marks)
    diffs += _script_differences(quote, source)
    substantive = [d for d in diffs if not d.of_form]
    return Match(report=report, title=title, year=year, section_id=n, section=heading, path=path,
                 paragraph=max(0, para_start), paragraph_end=max(0, para_end), similarity=round(similarity, 4), source=source,
                 differences=tuple(diffs), source_spans=tuple(source_marks), exact=not substantive, url=url,
                 urls=urls, region=meta.region, **head_of(meta))


def _in_words(diffs: list[Difference], quote_words: dict[str, str]) -> list[Difference]:
    """A figure difference names the quote's figure as the quote writes it (百分之五点三 → 5.2%)."""
    def written(figure: str) -> str:
        for digits, words in quote_words.items():
            if figure == digits:
                return words
            if not digits[-1].isdigit() and digits[-1] != "%" and figure == digits[:-1] and words.endswith(digits[-1]):
                return words[:-1]  # 27.38 of 27.38亿 (二十七点三八亿), 674 of 674件 (六百七十四件): a unit or measure word
        return figure

    return [Difference(written(d.quote), d.source, d.kind) if d.kind == "figure" else d for d in diffs]


def _script_differences(quote: str, source: str) -> list[Difference]:
    """The characters the quote and its source write in different scripts (經濟 / 经济): found by
    aligning the two unfolded (the verdict compares them folded, where they are one text); only
    when a character of either folds at all."""
    from rapidfuzz.distance import Levenshtein

    if simplified(quote) == quote and simplified(source) == source:
        return []
    q, s = (_core(unicodedata.normalize("NFKC", t).lower())[0] for t in (quote, source))
    return [Difference(q[o.src_start:o.src_end], s[o.dest_start:o.dest_end], "script")
            for o in Levenshtein.opcodes(q, s)
            if o.tag == "replace" and simplified(q[o.src_start:o.src_end]) == simplified(s[o.dest_start:o.dest_end])]


def _figure_forms(p: _Passage, start: int, end: int, quote_words: dict[str, str], quote: str) -> list[Difference]:
    """The figures that agree but are written differently (百分之五点二 in the quote, 5.2% in the
    source, or the reverse): listed as `figure_form`, never deciding the verdict."""
    out = []
    region = p.norm[start:end]
    for digits, words in quote_words.items():
        if digits in region and not any(w == words for at, (w, _) in p.worded.items() if start <= at < end):
            out.append(Difference(words, digits, "figure_form"))
    for at, (words, digits) in p.worded.items():
        if start <= at < end and digits not in quote_words and words not in quote and \
                re.search(rf"(?<![\d.]){re.escape(digits)}(?![\d.])", quote):
            out.append(Difference(digits, words, "figure_form"))
    return out


def _window_size(n: int) -> int:
    return WINDOW if n >= 2 * WINDOW else max(2, min(n, 3 if n < 12 else n // 3))


def _align(q: str, src: str, lo: int) -> tuple[int, int] | None:
    """Best span of `src[lo:]` for `q` (core strings). Exact windows of the quote anchor it: the first
    and the last anchor fix where it starts and ends (differences sit between them); the ends are
    then refined by a few characters to the smallest edit distance."""
    from rapidfuzz.distance import Levenshtein
    from rapidfuzz.fuzz import partial_ratio_alignment

    exact = src.find(q, lo)
    if exact >= 0:
        return exact, exact + len(q)
    w = _window_size(len(q))
    offsets = list(range(0, max(1, len(q) - w + 1), max(1, w // 2)))
    if len(q) > w and offsets[-1] != len(q) - w:
        offsets.append(len(q) - w)
    anchors: list[tuple[int, int]] = []  # (offset in q, position in src)
    for off in offsets:
        at = src.find(q[off:off + w], lo)
        while at >= 0:
            anchors.append((off, at))
            at = src.find(q[off:off + w], at + 1)
    slack = max(4, len(q) // 4)
    if anchors:
        votes: dict[int, int] = {}
        for off, at in anchors:
            votes[at - off] = votes.get(at - off, 0) + 1
        guess = max(votes, key=lambda x: sum(v for k, v in votes.items() if abs(k - x) <= slack))
        # A quote may drop or add a clause: anchors up to a quote's length away still belong to it.
        near = [(off, at) for off, at in anchors if abs(at - off - guess) <= max(slack, len(q))]
        # The first and last anchors of the quote, each where it stands nearest the guess (a phrase
        # the quote opens with may stand a sentence earlier too: 1955年国家决算…, twice in a row).
        first = min(near, key=lambda a: (a[0], abs(a[1] - a[0] - guess)))
        last = max(near, key=lambda a: (a[0], -abs(a[1] - a[0] - guess)))
        start = first[1] - first[0]
        end = last[1] + w + (len(q) - last[0] - w)
    else:
        al = partial_ratio_alignment(q, src[lo:])
        if al is None or al.score < 60:
            return None
        start, end = lo + al.dest_start, lo + al.dest_end
    best = None
    k = 3
    for ds in range(-k, k + 1):
        for de in range(-k, k + 1):
            a, b = max(lo, start + ds), min(len(src), end + de)
            if b <= a:
                continue
            d = Levenshtein.distance(q, src[a:b])
            key = (d, abs(ds) + abs(de))
            if best is None or key < best[0]:
                best = (key, a, b)
    return (best[1], best[2]) if best else None


def _kind(q: str, s: str) -> str:
    """punctuation: nothing but punctuation differs; figure: one number (with its %) for another;
    wording: anything else, digits included when words changed with them."""
    qc, sc = _core(q)[0], _core(s)[0]
    if not qc and not sc:
        return "punctuation"
    if any(c.isdigit() for c in qc + sc) and all(c.isdigit() or c in ".%/" for c in qc + sc):
        return "figure"
    if _a_number(qc) and _a_number(sc) and (_digits(qc) or _digits(sc)):
        return "figure"  # 三 against 2: a figure the one side writes in words (组建职教集团三个 / 2个)
    return "wording"


def _digits(text: str) -> bool:
    return bool(text) and all(c.isdigit() or c in ".%" for c in text)


def _a_number(text: str) -> bool:
    """Digits, or a number written in Chinese numerals (三, 十二, 三点五, 百分之五)."""
    from archive.numerals import parse_int

    return _digits(text) or bool(text) and (parse_int(text) is not None or _digits(as_digits(text)[0]))


def _differences(quote: str, norm: str, ns: int, ne: int, shift: int):
    """Differences between a normalized quote piece and its source span norm[ns:ne]: the aligned
    pairs (a number widened to the whole figure, in the full text), the source spans to mark
    (relative to `shift`), and the weighted edit count (punctuation excluded)."""
    from rapidfuzz.distance import DamerauLevenshtein

    diffs: list[Difference] = []
    marks: list[tuple[int, int]] = []
    edits = 0.0
    for d, _, (ss, se) in aligned_differences(quote, norm, ns, ne):
        diffs.append(d)
        if d.kind != "punctuation":
            if se > ss:
                marks.append((ss - shift, se - shift))
            if d.kind == "figure":
                # One change, weighted by how far the figures are apart (647→674 is nearer than 647→9).
                edits += 0.5 + 0.5 * DamerauLevenshtein.normalized_distance(_core(d.quote)[0], _core(d.source)[0])
            else:
                edits += max(len(_core(d.quote)[0]), len(_core(d.source)[0]))
    return diffs, marks, edits


def aligned_differences(quote: str, norm: str, ns: int = 0, ne: int | None = None):
    """Each difference between `quote` and norm[ns:ne], with where it stands on both sides: (the
    difference, its [start, end) in the quote, its [start, end) in norm). Two edits inside one figure
    are one difference."""
    from rapidfuzz.distance import Levenshtein

    ne = len(norm) if ne is None else ne
    last = None
    for o in Levenshtein.opcodes(quote, norm[ns:ne]):
        if o.tag == "equal":
            continue
        qs, qe, ss, se = o.src_start, o.src_end, o.dest_start + ns, o.dest_end + ns
        if any(c.isdigit() for c in quote[qs:qe] + norm[ss:se]):
            qs, qe = _widen(quote, qs, qe)
            ss, se = _widen(norm, ss, se)
        d = Difference(quote[qs:qe], norm[ss:se], _kind(quote[qs:qe], norm[ss:se]))
        if d == last:
            continue
        last = d
        yield d, (qs, qe), (ss, se)


def _widen(text: str, s: int, e: int) -> tuple[int, int]:
    """Grow [s, e) to the whole figure around it: digits, a decimal point, a trailing %."""
    while s > 0 and (text[s - 1].isdigit() or text[s - 1] == "." and s > 1 and text[s - 2].isdigit()):
        s -= 1
    while e < len(text) and (text[e].isdigit() or text[e] == "." and e + 1 < len(text) and text[e + 1].isdigit()):
        e += 1
    if e < len(text) and text[e] == "%" and e > s and text[e - 1].isdigit():
        e += 1
    return s, e


def _display(p: _Passage, start: int, end: int, marks) -> tuple[str, list[tuple[int, int]]]:
    """The displayed source text for normalized [start, end), and the marks mapped onto it."""
    base = {}
    first_para = p.para_of[start]
    paras = sorted(set(p.para_of[start:end]))
    out = ""
    for k, para in enumerate(paras):
        text = p.paragraphs[para]
        lo = p.offset_of[start] if para == first_para else 0
        idxs = [p.offset_of[i] for i in range(start, end) if p.para_of[i] == para and p.norm[i] != "\n"]
        hi = (max(idxs) + 1) if idxs else lo
        if k:
            out += "\n"
        base[para] = len(out) - lo
        out += text[lo:hi]
    mapped = []
    for ms, me in marks:
        i, j = start + ms, start + me - 1
        if i >= len(p.para_of) or j >= len(p.para_of):
            continue
        pa, da, pb, db = p.para_of[i], p.offset_of[i], p.para_of[j], p.offset_of[j]
        if pa in base and pb in base:
            mapped.append((base[pa] + da, base[pb] + db + 1))
    return out, mapped
