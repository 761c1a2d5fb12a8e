"""`targets`: the targets every report sets for its year, one row per report and indicator it states
(or says it does not set), with the citation — read by archive.targets from each report's lines.
A report recorded as a transcription of another in the archive is the other's row, not a second one."""

from __future__ import annotations

from archive.targets import LEXICON, targets_of

from . import store
from .catalog import list_reports
from .errors import QueryError
from .home import Home
from .model import TargetRow, head_of

INDICATORS = tuple(LEXICON)


def targets(home: Home, indicators=(), filters: dict | None = None, with_duplicates: bool = False) -> list[TargetRow]:
    """Rows for `indicators` (all when empty), of the reports the filters keep, by year then region."""
    unknown = [i for i in indicators if i not in INDICATORS]
    if unknown:
        raise QueryError(f"unknown indicator {unknown[0]!r}", f"Indicators: {', '.join(INDICATORS)}.")
    from .scope import check

    check(home, list((filters or {}).items()))  # filters that keep nothing say so
    reports = list_reports(home, filters)
    ids = {r.id for r in list_reports(home)}
    if not with_duplicates:  # one row per report, not per transcription
        reports = [r for r in reports if not (r.duplicate_of and r.duplicate_of in ids)]
    reports.sort(key=lambda r: (r.year is None, r.year or 0, r.region, r.id))
    lines = store.report_lines(home.con, [r.id for r in reports])
    rows = []
    for r in reports:
        mine = lines.get(r.id, [])
        for t in targets_of([text for _, _, text in mine]):
            if indicators and t.indicator not in indicators:
                continue
            section, paragraph, _ = mine[t.line]
            rows.append(TargetRow(r.id, r.title, r.year, r.region, r.level, t.indicator, t.text, t.low, t.high, t.unit,
                                  t.modifier, t.not_set, section, paragraph, r.url,
                                  **{k: v for k, v in head_of(r).items() if k != "level"}))
    return rows
