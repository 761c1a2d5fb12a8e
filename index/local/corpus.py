"""LocalCorpus: the Corpus port (index.engine.corpus) over a home on this machine — a thin adapter
over what exists (store, substring index, Whoosh scorer, section table, segmenter), no behaviour of
its own. It does not import the engine: the port is structural."""

from __future__ import annotations

from . import store


class LocalCorpus:
    def __init__(self, home):
        self.home = home

    def follow(self) -> None:
        self.home.follow()

    # -- strings and words ----------------------------------------------------------------------
    def holding(self, text: str, loose: bool = False):
        return self.home.substring.find(text, loose=loose)

    def matching(self, regex, pieces: list[str], reach: int):
        return self.home.substring.matching(regex, pieces, reach)

    def holding_at_most(self, text: str, at_most: int):
        return self.home.substring.holding(text, at_most)

    def total(self, text: str, loose: bool = False) -> int | None:
        return self.home.substring.total(text, loose=loose)

    def fillers(self, left: str, right: str) -> set[str]:
        return self.home.substring.fillers(left, right)

    def open_words(self) -> None:
        self.home.word_scorer  # opened (a child may be cutting the query's words meanwhile)

    def open_all(self) -> None:
        """Open both indexes and the section table (a long-lived reader's first query then opens nothing)."""
        self.home.section_table, self.home.substring, self.home.word_scorer

    def word_scores(self, words: list[str]):
        return self.home.word_scorer.score(words)

    def segment_ahead(self, texts: list[str]) -> None:
        self.home.segment_ahead(texts)

    @property
    def section_table(self):
        return self.home.section_table

    @property
    def segmenter(self):
        return self.home.segmenter

    # -- sections -------------------------------------------------------------------------------
    def section_heads(self, sids) -> dict:
        return store.section_heads(self.home.con, list(sids))

    def with_text(self, metas: list) -> list:
        return list(metas)  # a home holds every section's text

    def section_texts(self, sids) -> dict:
        return store.paragraph_texts(self.home.con, list(sids))

    def norm_texts(self, metas) -> dict[int, str]:
        import numpy as np  # here, not at the top: a search starts cutting its words before numpy loads

        by_segment: dict[str, list[int]] = {}
        for m in metas:
            by_segment.setdefault(m.segment, []).append(m.sid)
        out: dict[int, str] = {}
        segs = {s.name: s for s in self.home.substring.segments}
        for name, sids in by_segment.items():
            seg = segs.get(name)
            if seg is None:
                continue
            for sid in sids:
                i = int(np.searchsorted(seg.sids, sid))
                if i < len(seg.sids) and seg.sids[i] == sid:
                    out[sid] = seg.section_text(i)
        return out

    def paragraphs_of(self, sid: int) -> list:
        return store.paragraphs_of(self.home.con, sid)

    def section_sid(self, report_id: str, n: int) -> int | None:
        return store.section_sid(self.home.con, report_id, n)

    def heading_sids(self, conditions) -> list[int]:
        return store.heading_sids(self.home.con, conditions)

    # -- reports --------------------------------------------------------------------------------
    def reports(self, conditions=()) -> list:
        return store.report_infos(self.home.con, list(conditions))

    def count_reports(self) -> int:
        return store.count_reports(self.home.con)

    def reports_named(self, ref: str, how: str, limit: int) -> list:
        return store.reports_named(self.home.con, ref, how, limit)

    def report_files(self) -> list[tuple[str, str]]:
        return store.report_files(self.home.con)

    def report_head(self, report_id: str):
        return store.report_head(self.home.con, report_id)

    def sections_of(self, report_id: str) -> list:
        return store.sections_of(self.home.con, report_id)

    def report_lines(self, report_ids) -> dict:
        return store.report_lines(self.home.con, report_ids)

    def report_section_sids(self, report_ids) -> list[int]:
        return store.report_section_sids(self.home.con, report_ids)

    def report_rowids(self, conditions) -> list[int]:
        return store.report_rowids(self.home.con, conditions)

    def report_ids(self, rowids) -> dict[int, str]:
        return store.report_ids(self.home.con, rowids)

    def reports_for_counting(self, conditions) -> list[tuple]:
        return store.reports_for_counting(self.home.con, conditions)
