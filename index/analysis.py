"""A Whoosh tokenizer over our segmenter (index.segmenter), for text handed to Whoosh as text.
(The ingest hands Whoosh pre-counted words from the same segmenter; see wordindex.CountedWords.)

Not jieba's own Whoosh analyzer (in jieba.analyse): that one gives tokens character-offset positions (phrase queries
then find nothing), drops single digits and stems with an English stemmer. Here positions count tokens,
`chars` gives character offsets, and sub-words come only in mode "index". Input is normalized text
(archive.normalize_text), at index time and at query time alike.

Never rename `JiebaTokenizer` or this module: Whoosh pickles a schema's analyzer into the index.
"""

from __future__ import annotations

from whoosh.analysis import Token, Tokenizer

from .segmenter import Segmenter

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
