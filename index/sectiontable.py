"""Every live section as sorted numpy columns (sid, year, report rowid, number): liveness, filters
and ranking for large hit sets without a query per section."""

from __future__ import annotations

import numpy as np

COLUMNS = ("sid", "year", "rid", "n")


class SectionTable:
    def __init__(self, columns: dict):
        self.sid = columns["sid"]  # sorted
        self.year = columns["year"]  # 0 where the year is unknown
        self.rid = columns["rid"]
        self.n = columns["n"]

    def columns(self) -> dict:
        return {"sid": self.sid, "year": self.year, "rid": self.rid, "n": self.n}

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


def read(con) -> SectionTable:
    rows = con.execute(
        "SELECT s.sid, COALESCE(r.year, 0), s.rid, s.n FROM sections s JOIN reports r USING (rid) ORDER BY s.sid").fetchall()
    arr = np.array(rows, dtype=np.int64).reshape(-1, 4)
    return SectionTable({name: arr[:, i].copy() for i, name in enumerate(COLUMNS)})
