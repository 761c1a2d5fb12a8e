"""The Corpus port (issue 33): the one boundary the engine talks to, whichever corpus answers —
a home on this machine (index.local.corpus.LocalCorpus) or a SolrCloud collection
(index.solr.corpus.SolrCorpus). It hands the engine data, never a handle: no SQL connection,
no Whoosh searcher, no file.

Structural (a Protocol): a corpus implements it without importing the engine, so no arrow climbs
from index/local or index/solr into index/engine (tests/test_structure.py). tests/fakecorpus.py is
one in memory."""

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

    def matching(self, regex, pieces: list[str], reach: int) -> tuple[numpy.ndarray, numpy.ndarray] | None:
        """The sections where the compiled `regex` (index.engine.patterns: over the normalized lines)
        matches, sorted, and how many times each (left to right, none overlapping); every match holds
        each of `pieces` and spans at most `reach` characters. None when the corpus cannot tell from
        positions: the engine then reads the texts of the sections holding every piece."""

    def fillers(self, left: str, right: str) -> set[str]:
        """The characters X such that left + X + right stands in the corpus (did you mean); a corpus
        that cannot tell answers none."""

    def word_scores(self, words: list[str]) -> tuple[numpy.ndarray, numpy.ndarray]:
        """The sections holding every word, sorted by sid, with their BM25 score."""

    def holding_at_most(self, text: str, at_most: int):
        """The sections holding `text` with its marks dropped, sorted, or None when more than
        `at_most` do (verify's windows: one page)."""

    def total(self, text: str, loose: bool = False) -> int | None:
        """Occurrences of `text` in the whole corpus, or None when the corpus cannot tell cheaply."""

    def open_words(self) -> None:
        """Open what word scores need (a child may be cutting the query's words meanwhile)."""

    def segment_ahead(self, texts: list[str]) -> None:
        """Start cutting `texts` into words ahead of the search (a corpus may do nothing)."""

    def section_heads(self, sids) -> dict[int, SectionMeta]:
        """sid → what a hit, a citation or a snippet needs of its section and report."""

    def with_text(self, metas: list[SectionMeta]) -> list[SectionMeta]:
        """`metas` complete with what showing reads (heading, offset map): the same ones where the
        corpus holds every text, fetched ones where it does not."""

    def section_texts(self, sids) -> dict[int, list[str]]:
        """sid → its paragraphs' display texts, in order."""

    def norm_texts(self, metas: list[SectionMeta]) -> dict[int, str]:
        """sid → its normalized text (the substring index's), for the sections `metas` name."""

    def paragraphs_of(self, sid: int) -> list[tuple[int, str, str, int]]:
        """(number, text, kind, line in the file) of each paragraph of the section."""

    def section_sid(self, report_id: str, n: int) -> int | None:
        """The sid of the report's section number `n`."""

    def heading_sids(self, conditions: list[Condition]) -> list[int]:
        """The sids of the sections whose heading the heading: conditions keep."""

    def reports(self, conditions: list[Condition] = ()) -> list[ReportInfo]:
        """The reports the (report-field) conditions keep, by id."""

    def count_reports(self) -> int:
        """How many reports the archive holds."""

    def reports_named(self, ref: str, how: str, limit: int) -> list[ReportInfo]:
        """Reports named by `ref`: `how` is "id" (exactly), "prefix" (of the id) or "text" (in the
        title or region); at most `limit`."""

    def report_files(self) -> list[tuple[str, str]]:
        """(report id, the file it was read from) of every report."""

    def report_head(self, report_id: str):
        """(id, title, file, url, urls) of the report."""

    def sections_of(self, report_id: str) -> list[tuple[int, int, str, int, tuple[str, ...]]]:
        """(sid, number, heading, level, path) of each section of the report, in order."""

    def report_lines(self, report_ids) -> dict[str, list[tuple[int, int, str]]]:
        """report id → (section number, paragraph number, text) of its lines, in order."""

    def report_section_sids(self, report_ids) -> list[int]:
        """The sids of the reports' sections."""

    def report_rowids(self, conditions: list[Condition]) -> list[int]:
        """The row ids (the section table's `rid`) of the reports the conditions keep."""

    def report_ids(self, rowids) -> dict[int, str]:
        """row id → report id."""

    def reports_for_counting(self, conditions: list[Condition]) -> list[tuple]:
        """What a trend counts per report, for the reports the conditions keep."""

    @property
    def section_table(self):
        """Every live section as columns (sid, year, report rowid, number), one immutable object per
        published state: a new state is a new table, never the old one changed in place."""

    @property
    def segmenter(self):
        """The archive's segmenter (its frozen dictionary): query words as the index cut them."""
