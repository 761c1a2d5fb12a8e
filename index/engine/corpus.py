"""The Corpus port (issue 33): the one boundary the engine will talk to, whichever corpus answers —
a home on this machine (index.local.corpus.LocalCorpus) or a SolrCloud collection (to come:
index.solr's SolrCorpus, replacing RemoteHome). It hands the engine data, never a handle: no SQL
connection, no Whoosh searcher, no file, no "fetch, then read" step.

Structural (a Protocol): a corpus implements it without importing the engine, so no arrow climbs
from index/local or index/solr into index/engine (tests/test_structure.py).

Not yet used by the engine modules: they still read `Home` (the allow-list in
tests/test_structure.py says which); moving each onto this port is the rest of issue 33."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    import numpy

    from ..filters import Condition
    from ..model import ReportInfo, SectionMeta


@runtime_checkable
class Corpus(Protocol):
    def follow(self) -> None:
        """Answer from the state last published (a long-lived reader, the terminal UI)."""

    def holding(self, text: str, loose: bool = False) -> tuple[numpy.ndarray, numpy.ndarray]:
        """The sections holding the normalized string, sorted by sid, and how many times each holds
        it — counted by the printed rule (non-overlapping occurrences, docs/contract.md). With `loose`
        the text with its marks dropped, and `text` a needle that has none (archive's loose form)."""

    def fillers(self, left: str, right: str) -> set[str]:
        """The characters X such that left + X + right stands in the corpus (did you mean); a corpus
        that cannot tell answers none."""

    def word_scores(self, words: list[str]) -> tuple[numpy.ndarray, numpy.ndarray]:
        """The sections holding every word, sorted by sid, with their BM25 score."""

    def section_texts(self, sids) -> dict[int, list[str]]:
        """sid → its paragraphs' display texts, in order: the data itself (nothing to fetch first)."""

    def section_heads(self, sids) -> dict[int, SectionMeta]:
        """sid → what a hit, a citation or a snippet needs of its section and report."""

    def reports(self, conditions: list[Condition] = ()) -> list[ReportInfo]:
        """The reports the (report-field) conditions keep, by id."""

    @property
    def section_table(self):
        """Every live section as columns (sid, year, report rowid, number), one immutable object per
        published state: a new state is a new table, never the old one changed in place."""

    @property
    def segmenter(self):
        """The archive's segmenter (its frozen dictionary): query words as the index cut them."""
