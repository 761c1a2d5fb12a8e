"""The one text normalization, used at ingest and at query time (docs/contract.md, "Normalization").

NFKC (full and half width), lower case, traditional characters folded to simplified (OpenCC t2s, one
code point at a time), every punctuation mark written as the canonical mark of its class
(archive.marks: `，` and `、` are one comma; a run of marks of one class is one mark), whitespace
dropped except between two Latin letters or digits. Punctuation is kept: `发展。经济` is not
`发展经济`. `loose` drops the marks, for what is equal only once they are gone (a variant).
`normalize` also returns, for every normalized character, the offset of the display character it
came from, so highlights found in normalized text land on displayed characters.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from .marks import BREAKING, STRAIGHT, is_mark, mark_class

# After NFKC the full-width forms are already ASCII; these fold the variants NFKC keeps apart.
_PUNCT = {
    "、": ",", "，": ",", "﹐": ",", "﹑": ",",
    "；": ";", "：": ":",
    "。": ".", "．": ".", "｡": ".",
    "“": '"', "”": '"', "‘": '"', "’": '"', "「": '"', "」": '"', "『": '"', "』": '"',
    "'": '"', "＂": '"', "〝": '"', "〞": '"', "‟": '"', "„": '"',
}


def _is_space(ch: str) -> bool:
    return ch.isspace() or ch in "\u200b\u200c\u200d\ufeff"


_T2S = None


def _simplified(ch: str) -> str:
    """`ch` in simplified script, if OpenCC's t2s maps the character alone to one character.

    One code point at a time, never in context: OpenCC's phrases (乾隆 stays, 乾 alone → 干) would
    fold a substring differently from the text around it, and a substring must be found wherever it
    stands. The price is a rare mis-fold of a character that is also simplified in its own right (乾
    of 乾隆 → 干), the same in text and query. Traditional → simplified only: the reverse is one to
    many (发 → 發/髮). Loaded on first use (20 ms); each character is converted once (the table caches)."""
    global _T2S
    if not ("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or "\U00020000" <= ch <= "\U0003134f"):
        return ch
    if _T2S is None:
        import opencc

        _T2S = opencc.OpenCC("t2s")
    out = _T2S.convert(ch)
    return out if len(out) == 1 else ch


def simplified(text: str) -> str:
    """`text` with each traditional character folded to simplified, as `normalize` folds it, and
    nothing else changed."""
    return "".join(_simplified(c) for c in text)


class _FoldTable(dict):
    """char → folded string; computed once per distinct character (str.translate calls __missing__).
    `marks`: every punctuation mark becomes its class's canonical mark (archive.marks); a straight
    quote stays `"` until the line's pass gives it a direction. Otherwise marks fold as the first
    rounds folded them (verify lists their differences)."""

    def __init__(self, marks: bool):
        super().__init__()
        self.marks = marks

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        if _is_space(ch):
            folded = " "
        elif self.marks and ch in STRAIGHT:
            folded = '"'
        elif self.marks and (canon := mark_class(ch)) is not None:
            folded = canon
        else:
            folded = "".join(self._one(c) for c in unicodedata.normalize("NFKC", ch).lower())
            folded = "".join(" " if _is_space(c) else c for c in folded)
        self[code] = folded
        return folded

    def _one(self, c: str) -> str:
        if self.marks:
            canon = '"' if c in STRAIGHT else mark_class(c)
            if canon is not None:
                return canon
            return _simplified(c)
        return _PUNCT.get(c, _simplified(c))


_TABLE = _FoldTable(marks=True)
_VERBATIM_TABLE = _FoldTable(marks=False)


def _alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


_GAP: re.Pattern | None = None
_SPACES = re.compile(" +")


def _gap(keep_punctuation: bool = False) -> re.Pattern:
    """A run of spaces and punctuation (in folded text; punctuation.py lists Unicode's P* marks).
    With `keep_punctuation`, a run of spaces only."""
    global _GAP
    if keep_punctuation:
        return _SPACES
    if _GAP is None:
        from .punctuation import RANGES

        _GAP = re.compile("[ " + "".join(f"\\u{a:04x}-\\u{b:04x}" for a, b in RANGES) + "]+")
    return _GAP


class _Line:
    """One line's pass over its runs of spaces and marks: the marks each run leaves (a run of one
    class is one mark; two or more points are an ellipsis), straight quotes opening and closing in
    turn, and one space where a run of spaces alone stands between two Latin letters or digits."""

    def __init__(self, folded: str):
        self.folded = folded
        self.quotes = 0

    def run(self, start: int, end: int) -> list[tuple[str, int]]:
        """(mark or space, where it stands in the folded text) for the run folded[start:end]."""
        out: list[tuple[str, int]] = []
        points = 0
        for i in range(start, end):
            c = self.folded[i]
            if c == " ":
                continue
            if c == '"':
                c = "“" if self.quotes % 2 == 0 else "”"
                self.quotes += 1
            points = points + 1 if c == "." else 0
            if points >= 2 and out and out[-1][0] in ".…":  # two points or more: an ellipsis
                out[-1] = ("…", out[-1][1])
                continue
            if out and out[-1][0] == c:
                continue
            out.append((c, i))
        if out:
            return out
        before = self.folded[start - 1] if start else ""
        after = self.folded[end] if end < len(self.folded) else ""
        if _alnum(before) and _alnum(after):
            return [(" ", start)]
        return []


def normalize_text(text: str) -> str:
    """The normalized form of `text` (what is indexed and what queries are compared with)."""
    folded = text.translate(_TABLE)
    gap = _gap()
    if not gap.search(folded):
        return folded
    line = _Line(folded)
    return gap.sub(lambda m: "".join(c for c, _ in line.run(m.start(), m.end())), folded)


def normalize(text: str, keep_punctuation: bool = False) -> tuple[str, list[int]]:
    """(normalized text, offsets): offsets[i] is the display offset of normalized char i; one extra
    entry at the end holds len(text), so a half-open span [s, e) maps to [offsets[s], offsets[e-1]+1).
    `keep_punctuation`: every mark kept as the first rounds folded it, spaces dropped but between
    two Latin letters or digits — verify aligns a quote with its source by it, to list punctuation
    differences (which never decide its verdict)."""
    if keep_punctuation:
        folded = text.translate(_VERBATIM_TABLE)
        return _rewritten(text, folded, _VERBATIM_TABLE, _SPACES, lambda s, e: _one_space(folded, s, e))
    folded = text.translate(_TABLE)
    return _rewritten(text, folded, _TABLE, _gap(), _Line(folded).run)


def _rewritten(text: str, folded: str, table: _FoldTable, gap: re.Pattern, run) -> tuple[str, list[int]]:
    """The folded text with each run `gap` finds replaced by what `run(start, end)` leaves of it
    ((character, where it stands in `folded`) pairs), and the display offset of each character."""
    n = len(text)
    source = range(n) if len(folded) == n else _sources(text, table)  # folded char → display char
    out: list[str] = []
    offsets: list[int] = []
    pos = 0
    for m in gap.finditer(folded):
        start, end = m.span()
        out.append(folded[pos:start])
        offsets.extend(source[pos:start])
        for c, at in run(start, end):
            out.append(c)
            offsets.append(source[_printed(folded, source, c, at, end)])
        pos = end
    out.append(folded[pos:])
    offsets.extend(source[pos:])
    offsets.append(n)
    return "".join(out), offsets


def _printed(folded: str, source, c: str, at: int, end: int) -> int:
    """Where the mark `c` a run keeps (first folded at `at`) stands as printed: a run of one class is one
    mark, and when the first of them is part of a character that folds into several (⑶ → （3）) while a
    later one is printed on its own (⑶）), the one printed is where the mark stands — so `）以` is found
    at `）以`, never at `⑶）以`."""
    def alone(i: int) -> bool:
        return (i == 0 or source[i - 1] != source[i]) and (i + 1 >= len(source) or source[i + 1] != source[i])

    i = at
    while not alone(i):  # along the marks it stands for (spaces between them are dropped), never past another
        i += 1
        while i < end and folded[i] == " ":
            i += 1
        if i >= end or folded[i] != c:
            return at
    return i


def _one_space(folded: str, start: int, end: int) -> list[tuple[str, int]]:
    """A run of spaces leaves one between two Latin letters or digits, else nothing."""
    before = folded[start - 1] if start else ""
    after = folded[end] if end < len(folded) else ""
    return [(" ", start)] if _alnum(before) and _alnum(after) else []


def strip_marks(norm: str) -> str:
    """Normalized text without the marks at its two ends (what a variant of it is compared by)."""
    start, end = 0, len(norm)
    while start < end and is_mark(norm[start]):
        start += 1
    while end > start and is_mark(norm[end - 1]):
        end -= 1
    return norm[start:end]


def loose(norm: str) -> str:
    """Normalized text with the marks inside a phrase dropped — all but those that end one (a
    sentence end, brackets: archive.marks.BREAKING) and a point between two digits (4.5% is not
    45%): what a variant is equal to (an exact string's variants, verify's candidate windows)."""
    return _in_phrase_marks().sub("", norm)


@functools.cache
def in_phrase_mark() -> str:
    """A regular expression for one mark inside a phrase: punctuation (punctuation.py lists Unicode's
    P*, less the figure units) but not one that ends a phrase, nor a point between two digits. What
    `loose` drops, and what may stand between the characters of a variant (index.snippets)."""
    from .punctuation import RANGES

    marks = "".join(f"\\u{a:04x}-\\u{b:04x}" for a, b in RANGES)
    return r"(?!(?<=\d)\.(?=\d))(?![" + "".join(sorted(BREAKING)) + "])[" + marks + "]"


@functools.cache
def _in_phrase_marks() -> re.Pattern:
    return re.compile(in_phrase_mark())




def _sources(text: str, table: _FoldTable) -> list[int]:
    """For each folded character, the display character it came from (NFKC may expand one: ㈠ → (一))."""
    out: list[int] = []
    for i, ch in enumerate(text):
        out.extend([i] * len(table[ord(ch)]))
    return out


def display_span(offsets: list[int], start: int, end: int) -> tuple[int, int]:
    """Map a half-open span of normalized text to the display characters it came from."""
    if end <= start:
        return offsets[start], offsets[start]
    return offsets[start], offsets[end - 1] + 1
