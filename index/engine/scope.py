"""How many reports a query's filters keep — the scope it searches — so that filters keeping no
report are said to (`no report matches region:火星`), not answered as a term found nowhere. The
count is of the filters that apply to everything found: the options and a query's AND-ed filters;
a filter inside OR or NOT narrows only its branch, and then the count is unknown (None)."""

from __future__ import annotations

import numpy as np

from ..errors import NoReportError
from ..filters import conditions
from .query import And, Filter, Not, Or, parse, top_filters  # noqa: F401  (top_filters: scope's callers)


def _nested_filter(node, top: bool = True) -> bool:
    if isinstance(node, Filter):
        return not top
    if isinstance(node, Not):
        return _nested_filter(node.part, False)
    if isinstance(node, Or):
        return any(_nested_filter(p, False) for p in node.parts)
    if isinstance(node, And):
        return any(_nested_filter(p, top) for p in node.parts)
    return False


def count(corpus, pairs) -> int:
    """The reports the (field, value) filter pairs keep together (a heading: filter keeps the reports
    holding such a heading)."""
    conds = conditions(pairs)
    report_conds = [c for c in conds if c.field != "heading"]
    rids = set(corpus.report_rowids(report_conds))
    heading_conds = [c for c in conds if c.field == "heading"]
    if heading_conds and rids:
        table = corpus.section_table
        sids = np.sort(np.array(corpus.heading_sids(heading_conds), np.int64))
        pos = table.live_positions(sids)
        rids &= set(table.rid[pos[pos >= 0]].tolist())
    return len(rids)


def label(pairs) -> str:
    return " ".join(f"{field}:{value}" for field, value in pairs)


def check(corpus, pairs, tree=None) -> int | None:
    """The count of reports the filter pairs (and the query tree's top-level filters) keep; None when
    the tree holds a filter inside OR/NOT. Raises NoReportError when they keep none."""
    pairs = [(f, str(v)) for f, v in pairs if v is not None and str(v).strip() != ""]
    if tree is not None:
        pairs += top_filters(tree)
    if not pairs:
        n = corpus.count_reports()
    else:
        n = count(corpus, pairs)
        if n == 0:
            raise NoReportError(f"no report matches {label(pairs)}",
                                "Check the filters: `baogao list` names the reports, their regions and years.")
    return None if tree is not None and _nested_filter(tree) else n


def check_query(corpus, query: str, exact: bool, filters: dict | None, pattern: bool = False,
                regex: str | None = None) -> int | None:
    return check(corpus, list((filters or {}).items()), parse(query, exact=exact, pattern=pattern, regex=regex))
