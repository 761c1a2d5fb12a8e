"""Words: our own segmenter around rjieba and a Whoosh tokenizer built on it.

Not `jieba.analyse.ChineseAnalyzer`: that one gives tokens character-offset positions (phrase queries
then find nothing), drops single digits and stems with an English stemmer. Here positions count tokens,
`chars` gives character offsets, and sub-words come only in mode "index". Input is normalized text
(archive.normalize_text), at index time and at query time alike.

Never rename `JiebaTokenizer` or this module: Whoosh pickles a schema's analyzer into the index.
"""

from __future__ import annotations

import hashlib
import re
from importlib.resources import files

from whoosh.analysis import Token, Tokenizer

# A token is a word when it has a letter, digit or ideograph; punctuation is not indexed.
_WORDLIKE = re.compile(r"[\w\u3400-\u9fff]")
# jieba cuts 5.2% into 5.2 and %; 98.89亿元 into 98.89 and 亿元: keep a figure and its % together.
_FIGURE = re.compile(r"\d+(?:\.\d+)?%")


def shipped_words() -> tuple[str, ...]:
    text = files("index").joinpath("slogans.txt").read_text(encoding="utf-8")
    return tuple(w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#"))


def dictionary_hash(words) -> str:
    return hashlib.sha256("\n".join(sorted(set(words))).encode()).hexdigest()[:16]


class Segmenter:
    """One rjieba instance of our own with the archive's frozen dictionary; built on first use, so
    a query that needs no words never loads it."""

    def __init__(self, words=()):
        self.words = tuple(sorted(set(words)))
        self._jieba = None

    @property
    def jieba(self):
        if self._jieba is None:
            import rjieba

            j = rjieba.Jieba()
            for w in self.words:
                j.add_word(w, None, None)
            self._jieba = j
        return self._jieba

    def tokens(self, text: str, mode: str = "query") -> list[tuple[str, int, int]]:
        """(word, start, end) over normalized text. mode "index" adds the sub-words of long words."""
        raw = self.jieba.tokenize(text, mode="search" if mode == "index" else "default")
        out: list[tuple[str, int, int]] = []
        skip_to = -1
        for word, start, end in raw:
            if start < skip_to:
                continue
            m = _FIGURE.match(text, start) if word[:1].isdigit() else None
            if m and m.end() > end:
                word, end = m.group(0), m.end()
                skip_to = end
            if _WORDLIKE.search(word):
                out.append((word, start, end))
        return out

    def words_of(self, text: str, mode: str = "query") -> list[str]:
        return [w for w, _, _ in self.tokens(text, mode)]


class JiebaTokenizer(Tokenizer):
    """A Whoosh tokenizer over `Segmenter`: positions are token counts, chars are offsets."""

    def __init__(self, segmenter: Segmenter | None = None):
        self.segmenter = segmenter or Segmenter()

    def __getstate__(self):  # the rjieba instance is not picklable and is rebuilt on demand
        return {"segmenter": Segmenter(self.segmenter.words)}

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            t.original = t.text = value
            t.boost = 1.0
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar, t.endchar = start_char, start_char + len(value)
            yield t
            return
        for pos, (word, start, end) in enumerate(self.segmenter.tokens(value, "index" if mode == "index" else "query")):
            t.text = word
            t.boost = 1.0
            if keeporiginal:
                t.original = word
            t.stopped = False
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar, t.endchar = start_char + start, start_char + end
            yield t
