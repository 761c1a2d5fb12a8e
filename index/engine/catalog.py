"""Reading the catalogue: reports, their sections and paragraphs, and resolving what a user typed
(`000`, `桦甸`, `写在前面`, `3`) to one report or section."""

from __future__ import annotations

from ..errors import NotFoundError, QueryError
from .corpus import Corpus
from ..model import ParagraphView, ReportInfo, ReportView, SectionInfo, SectionView

# At most this many candidates are named when a reference is ambiguous.
CANDIDATES = 20


LIST_SORTS = {  # --sort of `list`: how, and what it means
    "id": lambda r: r.id,
    "year": lambda r: (-(r.year or 0), r.id),  # newest first; unknown years last
    "oldest": lambda r: (r.year is None, r.year or 0, r.id),
    "region": lambda r: (r.region, -(r.year or 0), r.id),
    "size": lambda r: (-r.chars, r.id),
}


def list_reports(corpus: Corpus, filters: dict | None = None, sort: str = "id") -> list[ReportInfo]:
    """The reports, kept by the search filters (region, year, level, report; one meaning everywhere:
    index.filters) and sorted by one of LIST_SORTS."""
    from ..filters import conditions

    chosen = conditions((filters or {}).items())
    if any(c.field == "heading" for c in chosen):
        raise QueryError("heading: filters sections, not reports", "Use region:, year:, level: or report: with list.")
    return sorted(corpus.reports(chosen), key=LIST_SORTS[sort])


def reports_from(corpus: Corpus, folder) -> list[str]:
    """The ids of the reports whose files lie in `folder` (the bundled sample pages, say)."""
    import os

    roots = {os.path.abspath(folder), os.path.realpath(folder)}
    return [report_id for report_id, file in corpus.report_files()
            if os.path.dirname(file) in roots or os.path.dirname(os.path.realpath(file)) in roots]


def resolve_report(corpus: Corpus, ref: str) -> ReportInfo:
    """A report by exact id, unique id prefix, or unique substring of its title or region."""
    ref = ref.strip()
    if not ref:
        raise NotFoundError("no report given", "Name a report by id, id prefix, title or region (see `baogao list`).")
    for how in ("id", "prefix", "text"):
        found = corpus.reports_named(ref, how, limit=CANDIDATES + 1)
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            names = tuple(f"{r.id}  {r.title}" for r in found[:CANDIDATES])
            many = len(found) if len(found) <= CANDIDATES else f"more than {CANDIDATES}"
            raise NotFoundError(f"report '{ref}' is ambiguous: {many} reports match", "Give more of the id.", candidates=names)
    raise NotFoundError(f"no report matches '{ref}'", "See `baogao list` for the ids.")


def sections(corpus: Corpus, report_id: str) -> list[SectionInfo]:
    return [SectionInfo(n, h, lv, path) for _, n, h, lv, path in corpus.sections_of(report_id)]


def resolve_section(corpus: Corpus, report_id: str, ref: str) -> SectionInfo:
    """A section by number or unique substring of its heading (an exact heading wins)."""
    secs = sections(corpus, report_id)
    ref = ref.strip()
    if ref.isdigit():
        for s in secs:
            if s.id == int(ref):
                return s
        raise NotFoundError(f"report {report_id} has no section {ref} (it has 1–{len(secs)})",
                            f"See `baogao sections {report_id}`.")
    exact = [s for s in secs if s.heading == ref]
    found = exact or [s for s in secs if ref in s.heading]
    if not found:
        from archive import normalize_text

        key = normalize_text(ref)
        found = [s for s in secs if key and key in normalize_text(s.heading)]
    if len(found) == 1:
        return found[0]
    if not found:
        raise NotFoundError(f"no section of {report_id} has '{ref}' in its heading", f"See `baogao sections {report_id}`.",
                            candidates=tuple(f"{s.id}  {s.heading}" for s in secs[:30]))
    raise NotFoundError(f"section '{ref}' is ambiguous in {report_id}: {len(found)} headings match",
                        "Give the section number or more of the heading.",
                        candidates=tuple(f"{s.id}  {s.heading}" for s in found))


def show(corpus: Corpus, report_id: str, section: int | None = None) -> ReportView:
    """A whole report, or one section with its descendants."""
    _, title, file, url, urls = corpus.report_head(report_id)
    rows = corpus.sections_of(report_id)
    if section is not None:
        start = next(i for i, r in enumerate(rows) if r[1] == section)
        level = rows[start][3]
        end = start + 1
        while end < len(rows) and rows[end][3] > level:
            end += 1
        rows = rows[start:end]
    views = tuple(SectionView(n, heading, level, path,
                              tuple(ParagraphView(*p) for p in corpus.paragraphs_of(sid)))
                  for sid, n, heading, level, path in rows)
    info = corpus.reports_named(report_id, "id", 1)[0]
    return ReportView(report_id, title, file, views, url, urls, year=info.year, year_source=info.year_source,
                      subtitle=info.subtitle, speaker=info.speaker, date=info.date, occasion=info.occasion,
                      session=info.session)
