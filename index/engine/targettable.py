"""`targets`: the targets every government work report sets for its year, with the citation — read by
archive.targets from each report's lines. Every work report has a row for every indicator asked, with
its status: `value`, `not_set` (it says it sets none), `qualitative` (a target with no figure) or
`not_found` (it names the indicator but nothing was read: a possible miss, which cannot pass for a report
that set nothing), `other_period` (it names the indicator with figures, each of another period — a
five-year plan, a review, a share: archive.targets.named_for_other_periods) or `no_cue` (the report never
names the indicator: archive.targets.CUES). Other kinds of report
(plans, resolutions, party reports, statistical bulletins: level `other`) set no yearly targets and
have no rows. A report recorded as a transcription of another in the archive is the other's row, not
a second one."""

from __future__ import annotations

from archive.targets import LEXICON, named_for_other_periods, targets_of, unnamed

from .catalog import list_reports
from ..errors import QueryError
from .corpus import Corpus
from ..model import TargetRow, head_of

INDICATORS = tuple(LEXICON)


def targets(corpus: Corpus, indicators=(), filters: dict | None = None, with_duplicates: bool = False) -> list[TargetRow]:
    """Rows for `indicators` (all when empty), of the reports the filters keep, by year then region."""
    unknown = [i for i in indicators if i not in INDICATORS]
    if unknown:
        raise QueryError(f"unknown indicator {unknown[0]!r}", f"Indicators: {', '.join(INDICATORS)}.")
    from .scope import check

    check(corpus, list((filters or {}).items()))  # filters that keep nothing say so
    reports = list_reports(corpus, filters)
    ids = {r.id for r in list_reports(corpus)}
    if not with_duplicates:  # one row per report, not per transcription
        reports = [r for r in reports if not (r.duplicate_of and r.duplicate_of in ids)]
    reports.sort(key=lambda r: (r.year is None, r.year or 0, r.region, r.id))
    lines = corpus.report_lines([r.id for r in reports])
    rows = []
    for r in reports:
        if r.level == "other":
            continue  # not a government work report: its targets are n/a, not missed
        mine = lines.get(r.id, [])
        found = [t for t in targets_of([text for _, _, text in mine]) if not indicators or t.indicator in indicators]
        head = {k: v for k, v in head_of(r).items() if k != "level"}
        for t in found:
            section, paragraph, _ = mine[t.line]
            rows.append(TargetRow(r.id, r.title, r.year, r.region, r.level, t.indicator, t.text, t.low, t.high, t.unit,
                                  t.modifier, t.not_set, section, paragraph, r.url, **head, status=t.status))
        read = {t.indicator for t in found}
        unread = [i for i in indicators or INDICATORS if i not in read]
        texts = [text for _, _, text in mine]
        never_named = unnamed(texts, unread) if unread else set()
        elsewhen = named_for_other_periods(texts, [i for i in unread if i not in never_named], r.year) if unread else {}
        for indicator in unread:
            if indicator in elsewhen:  # named with figures, each of another period: its sentence, cited
                line, sentence = elsewhen[indicator]
                section, paragraph, _ = mine[line]
                rows.append(TargetRow(r.id, r.title, r.year, r.region, r.level, indicator, sentence, None, None, "", "",
                                      False, section, paragraph, r.url, **head, status="other_period"))
                continue
            rows.append(TargetRow(r.id, r.title, r.year, r.region, r.level, indicator, "", None, None, "", "",
                                  False, None, None, r.url, **head,
                                  status="no_cue" if indicator in never_named else "not_found"))
    return rows
