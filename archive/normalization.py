"""The one text normalization, used at ingest and at query time (DESIGN.md, "Text normalization").

NFKC, lower case, traditional characters folded to simplified (OpenCC t2s, one code point at a
time), punctuation variants folded to one form each, whitespace dropped except between two Latin
letters or digits. `normalize` also returns, for every normalized character, the offset of the
display character it came from, so highlights found in normalized text land on displayed characters.
"""

from __future__ import annotations

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


def normalize_text(text: str) -> str:
    """The normalized form of `text` (what is indexed and what queries are compared with)."""
    folded = text.translate(_TABLE)
    if " " not in folded:
        return folded
    return _drop_spaces(folded)


def _drop_spaces(folded: str) -> str:
    out = []
    parts = folded.split(" ")
    for part in parts:
        if not part:
            continue
        if out and _alnum(out[-1][-1]) and _alnum(part[0]):
            out.append(" ")
        out.append(part)
    return "".join(out)


def normalize(text: str) -> tuple[str, list[int]]:
    """(normalized text, offsets): offsets[i] is the display offset of normalized char i; one extra
    entry at the end holds len(text), so a half-open span [s, e) maps to [offsets[s], offsets[e-1]+1)."""
    folded = text.translate(_TABLE)
    if len(folded) == len(text) and " " not in folded:
        return folded, list(range(len(text) + 1))
    out: list[str] = []
    offsets: list[int] = []
    pending_space = -1  # display offset of a whitespace run not yet emitted
    for i, ch in enumerate(text):
        f = _TABLE[ord(ch)]
        if f == " ":
            if pending_space < 0:
                pending_space = i
            continue
        for c in f:
            if c == " ":
                if pending_space < 0:
                    pending_space = i
                continue
            if pending_space >= 0:
                if out and _alnum(out[-1]) and _alnum(c):
                    out.append(" ")
                    offsets.append(pending_space)
                pending_space = -1
            out.append(c)
            offsets.append(i)
    offsets.append(len(text))
    return "".join(out), offsets


def display_span(offsets: list[int], start: int, end: int) -> tuple[int, int]:
    """Map a half-open span of normalized text to the display characters it came from."""
    if end <= start:
        return offsets[start], offsets[start]
    return offsets[start], offsets[end - 1] + 1
