"""Every live section as sorted numpy columns (sid, year, report rowid, number): liveness, filters
and ranking for large hit sets without a query per section. Beside them, the pairs of reports
recorded as transcriptions of one another (for folding duplicates without a query). Either corpus
hands the engine one (index.engine.corpus): a home reads it from its store (index.local.sectiontable)."""

from __future__ import annotations

import numpy as np

COLUMNS = ("sid", "year", "rid", "n", "dup_rid", "dup_orig")


class SectionTable:
    def __init__(self, columns: dict):
        self.sid = columns["sid"]  # sorted
        self.year = columns["year"]  # 0 where the year is unknown
        self.rid = columns["rid"]
        self.n = columns["n"]
        self.dup_rid = columns["dup_rid"]  # sorted: a report recorded as a transcription …
        self.dup_orig = columns["dup_orig"]  # … of this one (both in the archive)

    def columns(self) -> dict:
        return {name: getattr(self, name) for name in COLUMNS}

    def live_positions(self, sids: np.ndarray) -> np.ndarray:
        """For each of `sids`, its row in the table, or -1 where it is not live (replaced or removed).
        A binary search each: a handful of sids costs nothing however large the archive."""
        sids = np.asarray(sids, dtype=np.int64)
        if not len(self.sid):
            return np.full(len(sids), -1, np.int64)
        at = np.minimum(np.searchsorted(self.sid, sids), len(self.sid) - 1)
        return np.where(self.sid[at] == sids, at, -1)

    def of_reports(self, rids) -> np.ndarray:
        """The sids of the given report rowids' sections."""
        chosen = np.zeros(int(self.rid.max(initial=0)) + 1, bool)
        chosen[[r for r in rids if r < len(chosen)]] = True
        return self.sid[chosen[self.rid]]


    def folded(self, rids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Of the matched reports `rids` (sorted, unique), the transcriptions whose original matched
        too, and those originals: (transcription rowids, original rowids). A transcription whose
        original did not match stands on its own."""
        both = members(self.dup_rid, rids) & members(self.dup_orig, rids)
        return self.dup_rid[both], self.dup_orig[both]


def well_formed(columns: dict) -> bool:
    """Whether saved columns can be a section table: each one-dimensional, the four section columns
    of one length with the ids ascending, the duplicate pairs of one length. A reader checks this
    when it loads the file (the zip's CRC sees changed bytes; this, a table that is whole but wrong)."""
    shapes = {name: np.shape(columns[name]) for name in COLUMNS}
    if any(len(shape) != 1 for shape in shapes.values()):
        return False
    sid = columns["sid"]
    return len({shapes[name] for name in COLUMNS[:4]}) == 1 and shapes["dup_rid"] == shapes["dup_orig"] \
        and bool(np.all(sid[1:] > sid[:-1]))


def members(values: np.ndarray, sorted_among: np.ndarray) -> np.ndarray:
    """For each of `values`, whether it is in `sorted_among`: a binary search each, so a handful of
    values costs nothing however large the array (np.isin sorts both)."""
    if not len(sorted_among):
        return np.zeros(len(values), bool)
    at = np.minimum(np.searchsorted(sorted_among, values), len(sorted_among) - 1)
    return sorted_among[at] == values
