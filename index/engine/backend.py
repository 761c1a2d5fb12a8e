"""The backend boundary: every read the commands and the terminal UI make of an archive.

`Backend` is the interface; `Engine` answers it over a Corpus (index.engine.corpus) — a home on this
machine (index.backends.LocalBackend). Another backend (a SolrCloud collection) implements the same
methods and returns the same records (index.model), so what the CLI shows does not depend on where the
archive lives."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from .corpus import Corpus
    from ..model import (Comparison, Concordance, Revision, Novelty, ReportInfo, ReportView, SearchResult, SectionInfo, Spread, Trend,
                        Verdict)


class Backend(Protocol):
    def warm(self) -> None: ...

    def reports(self, filters: dict | None = None, sort: str = "id") -> list[ReportInfo]: ...

    def resolve_report(self, ref: str) -> ReportInfo: ...

    def sections(self, report_id: str) -> list[SectionInfo]: ...

    def resolve_section(self, report_id: str, ref: str) -> SectionInfo: ...

    def show(self, report_id: str, section: int | None = None) -> ReportView: ...

    def highlights(self, view: ReportView, query: str) -> dict[tuple[int, int], list[tuple[int, int]]]: ...

    def search(self, query: str, *, limit: int | None = 10, exact: bool = False, sort: str = "score",
               filters: dict | None = None, with_duplicates: bool = False) -> SearchResult: ...

    def verify(self, quote: str) -> Verdict: ...

    def kwic(self, query: str, **options) -> Concordance: ...

    def trend(self, terms, by: str = "year", **options) -> Trend: ...

    def spread(self, term: str, **options) -> Spread: ...

    def new_phrases(self, report: str, against=None, limit: int | None = 50) -> Novelty: ...

    def targets(self, indicators=(), filters: dict | None = None, with_duplicates: bool = False) -> list: ...

    def compare(self, target: str, reference: str | None = None, **options) -> Comparison: ...

    def diff(self, old: str, new: str) -> Revision: ...


class Engine:
    """Every read of `Backend`, answered by the engine over one Corpus (index.engine.corpus). Each read
    first follows the corpus's published state, so a long-lived reader (the terminal UI) answers from
    what the last writer published."""

    def __init__(self, corpus: Corpus):
        self.corpus = corpus

    def _current(self, filters=()) -> Corpus:
        """The corpus a read asks, on the state last published. `filters`: the (field, value) pairs
        the read applies to all it finds — a corpus that fetches over a network may fetch less."""
        self.corpus.follow()
        return self.corpus

    def _for_query(self, query: str, exact: bool, filters: dict | None) -> Corpus:
        from ..errors import QueryError
        from .query import parse
        from .scope import top_filters

        try:
            pairs = list((filters or {}).items()) + top_filters(parse(query, exact=exact))
        except QueryError:
            pairs = []  # the engine says what is wrong with it
        return self._current([(f, v) for f, v in pairs if f != "heading"])

    def warm(self) -> None:
        """Open what a first search needs — the section table, the words, the segmenter's
        dictionary — so that a long-lived reader answers its first query as fast as the next."""
        corpus = self._current()
        corpus.section_table, corpus.open_words()
        corpus.segmenter.words_of("政府工作报告")

    def reports(self, filters=None, sort="id"):
        from .catalog import list_reports

        return list_reports(self._current(), filters, sort)

    def resolve_report(self, ref):
        from .catalog import resolve_report

        return resolve_report(self._current(), ref)

    def sections(self, report_id):
        from .catalog import sections

        return sections(self._current(), report_id)

    def resolve_section(self, report_id, ref):
        from .catalog import resolve_section

        return resolve_section(self._current(), report_id, ref)

    def show(self, report_id, section=None):
        from .catalog import show

        return show(self._current(), report_id, section)

    def highlights(self, view, query):
        """(section id, line) → display spans of the query's terms, for every section of `view`."""
        from .snippets import highlight_spans

        corpus = self._current()
        return {(sec.id, n): spans for sec in view.sections
                for n, spans in highlight_spans(corpus, view.report, sec.id, query)}

    def search(self, query, **options):
        from .searching import search

        return search(self._for_query(query, options.get("exact", False), options.get("filters")), query, **options)

    def segment_ahead(self, query: str, exact: bool = False) -> None:
        """Start cutting the query's words in a child process (a one-query process overlaps it with
        opening the indexes)."""
        from .query import segment_ahead

        segment_ahead(self.corpus, query, exact)

    def verify(self, quote):
        from .verification import verify

        return verify(self._current(), quote)

    def kwic(self, query, **options):
        from .concordance import kwic

        return kwic(self._for_query(query, True, options.get("filters")), query, **options)

    def trend(self, terms, by="year", **options):
        from .trends import trend

        from .trends import chosen_filters

        return trend(self._current(chosen_filters(**options)), terms, by, **options)

    def spread(self, term, **options):
        """Each region's first mention of `term`, earliest first (`trend --first`)."""
        from .trends import first_by_region

        from .trends import chosen_filters

        return first_by_region(self._current(chosen_filters(**options)), term, **options)

    def new_phrases(self, report, against=None, limit=50):
        """The phrases of `report` no baseline report holds (`new`)."""
        from .novelty import new_phrases

        return new_phrases(self._current(), report, against, limit)

    def compare(self, target, reference=None, **options):
        """The phrases over- (or under-) used in `target` against `reference` (`compare`)."""
        from .comparison import compare

        return compare(self._current(), target, reference, **options)

    def diff(self, old, new):
        """What changed between two reports, sentence by sentence (`diff`)."""
        from .revisions import diff

        return diff(self._current(), old, new)

    def targets(self, indicators=(), filters=None, with_duplicates=False):
        """The targets each report sets for its year (`targets`)."""
        from .targettable import targets

        return targets(self._current([(f, v) for f, v in (filters or {}).items() if f != "heading"]), indicators,
                       filters, with_duplicates)
