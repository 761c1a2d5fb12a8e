"""The one text normalization, used at ingest and at query time (DESIGN.md, "Text normalization").

NFKC, lower case, traditional characters folded to simplified (OpenCC t2s, one code point at a
time); punctuation dropped unless it stands between two digits or two Latin letters (`6.5%`, `1-10`,
`3.14`, `R&D` keep theirs; `%` and symbols such as `+` are not punctuation); whitespace dropped
except between two Latin letters or digits. So `稳中求进，以进促稳`, `稳中求进；以进促稳` and
`稳中求进以进促稳` are one text. `normalize` also returns, for every normalized character, the offset of the
display character it came from, so highlights found in normalized text land on displayed characters.
"""

from __future__ import annotations

import re
import unicodedata

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
    """char → folded string; computed once per distinct character (str.translate calls __missing__)."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        if _is_space(ch):
            folded = " "
        else:
            folded = "".join(_PUNCT.get(c, _simplified(c)) for c in unicodedata.normalize("NFKC", ch).lower())
            folded = "".join(" " if _is_space(c) else c for c in folded)
        self[code] = folded
        return folded


_TABLE = _FoldTable()


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


def _kept(folded: str, start: int, end: int) -> tuple[str, int]:
    """What a gap folded[start:end] leaves, and where it stands in `folded`: one punctuation mark
    alone between two digits or two Latin letters stays; a gap with a space between two Latin letters
    or digits becomes one space; anything else goes."""
    before = folded[start - 1] if start else ""
    after = folded[end] if end < len(folded) else ""
    gap = folded[start:end]
    if end - start == 1 and gap != " " and before.isascii() and after.isascii() and (
            (before.isdigit() and after.isdigit()) or (before.isalpha() and after.isalpha())):
        return gap, start
    if " " in gap and _alnum(before) and _alnum(after):
        return " ", start + gap.index(" ")
    return "", start


def normalize_text(text: str) -> str:
    """The normalized form of `text` (what is indexed and what queries are compared with)."""
    folded = text.translate(_TABLE)
    gap = _gap()
    if not gap.search(folded):
        return folded
    return gap.sub(lambda m: _kept(folded, m.start(), m.end())[0], folded)


def normalize(text: str, keep_punctuation: bool = False) -> tuple[str, list[int]]:
    """(normalized text, offsets): offsets[i] is the display offset of normalized char i; one extra
    entry at the end holds len(text), so a half-open span [s, e) maps to [offsets[s], offsets[e-1]+1).
    `keep_punctuation` keeps every (folded) punctuation mark: verify aligns a quote with its source
    by it, to list punctuation differences (which never decide its verdict)."""
    folded = text.translate(_TABLE)
    n = len(text)
    source = range(n) if len(folded) == n else _sources(text)  # folded char → display char
    gap = _gap(keep_punctuation)
    out: list[str] = []
    offsets: list[int] = []
    pos = 0
    for m in gap.finditer(folded):
        start, end = m.span()
        out.append(folded[pos:start])
        offsets.extend(source[pos:start])
        kept, at = _kept(folded, start, end)
        if kept:
            out.append(kept)
            offsets.append(source[at])
        pos = end
    out.append(folded[pos:])
    offsets.extend(source[pos:])
    offsets.append(n)
    return "".join(out), offsets


def _sources(text: str) -> list[int]:
    """For each folded character, the display character it came from (NFKC may expand one: ㈠ → (一))."""
    out: list[int] = []
    for i, ch in enumerate(text):
        out.extend([i] * len(_TABLE[ord(ch)]))
    return out


def display_span(offsets: list[int], start: int, end: int) -> tuple[int, int]:
    """Map a half-open span of normalized text to the display characters it came from."""
    if end <= start:
        return offsets[start], offsets[start]
    return offsets[start], offsets[end - 1] + 1
