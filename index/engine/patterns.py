"""Patterns (issue 38, docs/contract.md "Patterns"): wildcards in an exact string, A NEAR/N B,
A BEFORE/N B, and regular expressions — each compiled to one Python regular expression, run over a
section's lines, its matches counted left to right, none overlapping (as `re.finditer` finds them).

Wildcards and NEAR/BEFORE run over the normalized lines (the substring index's text), so their
literal pieces follow the exact-as-printed rule; a regular expression (`--regex`) runs over the lines
as printed, each NFKC-folded (full-width forms to ASCII), nothing else folded. Either way the sections
to read are proposed by the literal pieces every match holds, through the substring index, and the
regular expression confirms: a pattern is never answered from an index alone.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np

from archive import normalize_text
from archive.charclasses import WORDLIKE

from ..errors import QueryError

STAR = 10  # `*` covers up to this many characters …
MOST = 99  # … `*N` up to N, at most this
NEAR = 20  # `A NEAR B`: at most this many characters between them
SENTENCE_END = "。"  # the sentence-end class's canonical mark (archive.marks)
FIGURE_UNITS = "%‰‱"  # part of a figure, never a mark: the normalized text holds them as printed (NFKC)
BATCH = 500  # sections read at a time where the texts are read


@dataclass(frozen=True)
class Pattern:
    """One compiled pattern. `regex` runs over one line at a time; `pieces` are normalized strings
    every match holds (the candidates' sections hold each); `reach` is the most characters a match
    spans (None: a whole line); `printed` says the regex reads the printed lines (NFKC) rather than
    the normalized ones."""

    raw: str
    regex: re.Pattern
    pieces: tuple[str, ...]
    reach: int | None
    printed: bool = False


# -- compiling -------------------------------------------------------------------------------------

def has_wildcard(raw: str) -> bool:
    """Whether `raw` (as typed, before normalization) holds an unescaped ASCII ? or *."""
    escaped = False
    for c in raw:
        if escaped:
            escaped = False
        elif c == "\\":
            escaped = True
        elif c in "?*":
            return True
    return False


def wildcards(raw: str) -> Pattern:
    """`raw` as typed with its wildcards: `?` one character, `*` up to STAR (`*N` up to N, one or two
    digits), as few as it can; `\\?`, `\\*` literal. The literal pieces are normalized each on its own;
    a wildcard covers no newline, nor a sentence end unless a piece holds one."""
    parts: list[tuple[str, object]] = []  # ("text", str) | ("gap", (least, most))
    text, i, n = "", 0, len(raw)
    while i < n:
        c = raw[i]
        if c == "\\" and i + 1 < n and raw[i + 1] in "?*\\":
            text += raw[i + 1]
            i += 2
            continue
        if c in "?*":
            if text:
                parts.append(("text", text))
                text = ""
            if c == "?":
                parts.append(("gap", (1, 1)))
                i += 1
                continue
            j = i + 1
            while j < n and j < i + 3 and raw[j].isascii() and raw[j].isdigit():
                j += 1
            most = int(raw[i + 1:j]) if j > i + 1 else STAR
            if not 1 <= most <= MOST:
                raise QueryError(f"the wildcard {raw[i:j]} in '{raw}' covers no character",
                                 f"Write *N with N from 1 to {MOST} (* alone is up to {STAR}).")
            parts.append(("gap", (0, most)))
            i = j
            continue
        text += c
        i += 1
    if text:
        parts.append(("text", text))
    pieces = [normalize_text(t) for kind, t in parts if kind == "text"]
    if not any(WORDLIKE.search(p) for p in pieces):
        raise QueryError(f"the pattern '{raw}' has no word to look for",
                         "Give at least one word, figure or slogan beside the wildcards.")
    for edge in (parts[0], parts[-1]):
        if edge[0] == "gap" and edge[1][0] == 0:
            raise QueryError(f"a * at the edge of '{raw}' would match nothing more",
                             "Put * between two pieces (稳*增长); use ? for one character at an edge.")
    any_char = "[^\\n]" if any(SENTENCE_END in p for p in pieces) else f"[^\\n{SENTENCE_END}]"
    regex, reach = "", 0
    for kind, value in parts:
        if kind == "text":
            piece = normalize_text(value)
            regex += re.escape(piece)
            reach += len(piece)
        else:
            least, most = value
            regex += any_char if most == 1 and least == 1 else f"{any_char}{{0,{most}}}?"
            reach += most
    return Pattern(raw, re.compile(regex), tuple(p for p in pieces if p), reach)


def literal(raw: str) -> Pattern:
    """An exact string as a pattern (an operand of NEAR/BEFORE without wildcards)."""
    piece = normalize_text(raw)
    return Pattern(raw, re.compile(re.escape(piece)), (piece,), len(piece))


def near(a: Pattern, b: Pattern, most: int, ordered: bool) -> Pattern:
    """`a NEAR/most b` (either order) or `a BEFORE/most b`: at most `most` characters between them,
    punctuation counted, in one line."""
    gap = f"[^\\n]{{0,{most}}}?"
    ab = f"(?:{a.regex.pattern}){gap}(?:{b.regex.pattern})"
    regex = ab if ordered else f"{ab}|(?:{b.regex.pattern}){gap}(?:{a.regex.pattern})"
    word = "BEFORE" if ordered else "NEAR"
    return Pattern(f"{a.raw} {word}/{most} {b.raw}", re.compile(regex), a.pieces + b.pieces,
                   a.reach + b.reach + most)


def regular(raw: str) -> Pattern:
    """`--regex`: a Python regular expression over each printed line, NFKC-folded. Its literal pieces
    (runs of letters, digits, ideographs and % the expression requires in every match) propose the
    sections; a match is at least one character."""
    try:
        regex = re.compile(raw)
    except re.error as e:
        raise QueryError(f"the regular expression '{raw}' is not valid: {e}",
                         "Write it as Python's re module reads it (docs.python.org/3/library/re.html).") from None
    if regex.fullmatch(""):
        raise QueryError(f"the regular expression '{raw}' matches an empty string",
                         "Require at least one character (+ rather than *).")
    return Pattern(raw, regex, tuple(_required(raw, regex.flags)), None, printed=True)


def _required(raw: str, flags: int) -> list[str]:
    """The normalized runs of word characters that stand, literally, at the top level of `raw`: every
    match holds each. Nothing under a quantifier, a group or a branch counts (they may be absent)."""
    try:
        from re import _parser as parser  # Python 3.11+
    except ImportError:  # pragma: no cover
        import sre_parse as parser
    from re import _constants as const

    items = parser.parse(raw, flags)
    runs, run = [], ""
    for op, arg in items:
        if op is const.LITERAL and (chr(arg).isalnum() or chr(arg) in FIGURE_UNITS):
            run += chr(arg)
            continue
        if run:
            runs.append(run)
        run = ""
    if run:
        runs.append(run)
    out = []
    for r in runs:
        piece = normalize_text(unicodedata.normalize("NFKC", r))
        if piece and WORDLIKE.search(piece) and all(c.isalnum() or c in FIGURE_UNITS for c in piece):
            out.append(piece)
    return out


# -- matching --------------------------------------------------------------------------------------

def matches(pattern: Pattern, text: str) -> list[tuple[int, int]]:
    """The spans of the pattern's matches in `text` (lines joined by newlines: normalized for a
    wildcard or NEAR pattern, printed and NFKC-folded for a regex), left to right, none overlapping,
    none empty."""
    if not pattern.printed:
        return [m.span() for m in pattern.regex.finditer(text)]
    out, at = [], 0
    for line in text.split("\n"):
        out += [(at + m.start(), at + m.end()) for m in pattern.regex.finditer(line) if m.end() > m.start()]
        at += len(line) + 1
    return out


_WIDE = {c: unicodedata.normalize("NFKC", chr(c)) for c in [*range(0xFF01, 0xFF5F), 0x3000]}


def nfkc(text: str) -> str:
    """unicodedata.normalize("NFKC", text), fast for report text: its full-width forms (a table) are
    the usual difference, and NFKC is NFKD's decompositions composed — replacing a character by its
    decomposition first changes nothing — so the rest is checked, and normalized only if it must be."""
    wide = text.translate(_WIDE)
    return wide if unicodedata.is_normalized("NFKC", wide) else unicodedata.normalize("NFKC", wide)


def nfkc_offsets(line: str) -> tuple[str, list[int]]:
    """A printed line NFKC-folded, and for each folded character the printed one it comes from (plus
    the end). Per character where that folds the same as the whole line (nearly always); else the
    line is aligned by its prefixes."""
    whole = nfkc(line)
    folded, owner = [], []
    for k, c in enumerate(line):
        f = nfkc(c)
        folded.append(f)
        owner += [k] * len(f)
    if "".join(folded) != whole:
        owner, done = [], 0
        for k in range(len(line)):
            size = len(nfkc(line[:k + 1]))
            owner += [k] * max(0, size - done)
            done = max(done, size)
        owner = (owner + [len(line) - 1] * len(whole))[:len(whole)]
    return whole, owner + [len(line)]


def printed_spans(pattern: Pattern, display: str) -> list[tuple[int, int]]:
    """A regex pattern's matches in a section's display text, as display offsets."""
    out, at = [], 0
    for line in display.split("\n"):
        folded, owner = nfkc_offsets(line)
        for m in pattern.regex.finditer(folded):
            if m.end() > m.start():
                out.append((at + owner[m.start()], at + owner[m.end() - 1] + 1))
        at += len(line) + 1
    return out


def holding(corpus, pattern: Pattern, progress=None) -> tuple[np.ndarray, np.ndarray]:
    """(sections, matches in each), sorted by section: found by the corpus from its positions where it
    can (a home's suffix arrays), else by reading the sections that hold every literal piece (or every
    section, when the pattern has none: `progress(done, total)` is told as they are read)."""
    if not pattern.printed and pattern.reach is not None:
        found = corpus.matching(pattern.regex, list(pattern.pieces), pattern.reach)
        if found is not None:
            return found
    candidates = None
    for piece in sorted(set(pattern.pieces), key=len, reverse=True):
        sids = corpus.holding(piece)[0]
        candidates = sids if candidates is None else np.intersect1d(candidates, sids, assume_unique=True)
        if not len(candidates):
            break
    if candidates is None:  # nothing to look up: every section, and the reader is told
        return _read(corpus, pattern, np.asarray(corpus.section_table.sid, np.int64), progress)
    return _read(corpus, pattern, candidates)


def _read(corpus, pattern: Pattern, sids: np.ndarray, progress=None) -> tuple[np.ndarray, np.ndarray]:
    """Count the matches in each of `sids` by reading its text."""
    from .. import sectiontext

    found_sids, found_counts = [], []
    ordered = sids.tolist()
    for at in range(0, len(ordered), BATCH):
        if progress:
            progress(at, len(ordered))
        heads = corpus.section_heads(ordered[at:at + BATCH])
        metas = [heads[s] for s in ordered[at:at + BATCH] if s in heads]
        if pattern.printed:
            metas = corpus.with_text(metas)
            parts = corpus.section_texts([m.sid for m in metas])  # the lines as `show` prints them
            texts = {m.sid: nfkc("\n".join(sectiontext.lines_of(m.title, m.n, m.heading, parts[m.sid]))) for m in metas}
        else:
            texts = corpus.norm_texts(corpus.with_text(metas))
        for m in metas:
            n = len(matches(pattern, texts.get(m.sid, "")))
            if n:
                found_sids.append(m.sid)
                found_counts.append(n)
    if progress:
        progress(len(ordered), len(ordered))
    order = np.argsort(np.array(found_sids, np.int64), kind="stable")
    return np.array(found_sids, np.int64)[order], np.array(found_counts, np.int64)[order]
