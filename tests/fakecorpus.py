"""A Corpus (index/engine/corpus.py) held in memory: sections as strings, no files, no home — so an
engine function that takes a Corpus is tested in the inner loop in milliseconds (issue 33). Its
answers are the plain Python definitions (str.count, str.find), the truth the real indexes match."""

from __future__ import annotations

import numpy as np


class FakeCorpus:
    def __init__(self, sections: dict[int, str]):
        """`sections`: sid → its normalized text."""
        self.sections = dict(sorted(sections.items()))

    def follow(self) -> None:
        pass

    def holding(self, text: str, loose: bool = False):
        if loose:
            raise NotImplementedError("the fake corpus holds no loose form")
        found = [(sid, body.count(text)) for sid, body in self.sections.items() if text and text in body]
        return np.array([s for s, _ in found], np.int64), np.array([n for _, n in found], np.int64)

    def fillers(self, left: str, right: str) -> set[str]:
        out = set()
        for body in self.sections.values():
            at = body.find(left)
            while at >= 0:
                x = at + len(left)
                if x < len(body) and body.startswith(right, x + 1):
                    out.add(body[x])
                at = body.find(left, at + 1)
        return out

    def word_scores(self, words: list[str]):
        found = [sid for sid, body in self.sections.items() if all(w in body for w in words)]
        return np.array(found, np.int64), np.ones(len(found))

    def section_texts(self, sids) -> dict[int, list[str]]:
        return {int(s): [self.sections[int(s)]] for s in sids}

    def _unread(self, *args, **kwargs):
        raise NotImplementedError("no engine function tested on the fake reads this yet")

    section_heads = reports = holding_at_most = total = open_words = segment_ahead = with_text = _unread
    norm_texts = paragraphs_of = section_sid = heading_sids = count_reports = reports_named = _unread
    report_files = report_head = sections_of = report_lines = report_section_sids = report_rowids = _unread
    report_ids = reports_for_counting = _unread

    # No engine function on the port reads these yet: None until one does (an attribute, not a
    # raising property — isinstance(…, Corpus) looks every member up).
    section_table = None
    segmenter = None
