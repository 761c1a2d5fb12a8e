"""LocalCorpus: the Corpus port (index.engine.corpus) over a home on this machine — a thin adapter
over what exists (store, substring index, Whoosh scorer, section table, segmenter), no behaviour of
its own. It does not import the engine: the port is structural."""

from __future__ import annotations

from . import store
from .home import Home


class LocalCorpus:
    def __init__(self, home: Home):
        self.home = home

    def follow(self) -> None:
        self.home.follow()

    def holding(self, text: str, loose: bool = False):
        return self.home.substring.find(text, loose=loose)

    def fillers(self, left: str, right: str) -> set[str]:
        return self.home.substring.fillers(left, right)

    def word_scores(self, words: list[str]):
        return self.home.word_scorer.score(words)

    def section_texts(self, sids) -> dict:
        return store.paragraph_texts(self.home.con, list(sids))

    def section_heads(self, sids) -> dict:
        return store.section_heads(self.home.con, list(sids))

    def reports(self, conditions=()) -> list:
        return store.report_infos(self.home.con, list(conditions))

    @property
    def section_table(self):
        return self.home.section_table

    @property
    def segmenter(self):
        return self.home.segmenter
