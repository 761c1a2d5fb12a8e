"""The section table (index.sectiontable) of a home, read from its store."""

from __future__ import annotations

import numpy as np

from ..sectiontable import COLUMNS, SectionTable, well_formed  # noqa: F401 (the home reads them here)


def read(con) -> SectionTable:
    from . import store

    rows = store.section_rows(con)
    arr = np.array(rows, dtype=np.int64).reshape(-1, 4)
    pairs = sorted(store.duplicate_pairs(con))
    columns = {name: arr[:, i].copy() for i, name in enumerate(COLUMNS[:4])}
    columns["dup_rid"] = np.array([d for d, _ in pairs], np.int64)
    columns["dup_orig"] = np.array([o for _, o in pairs], np.int64)
    return SectionTable(columns)
