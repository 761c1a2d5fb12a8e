"""Reading the catalogue: reports, their sections and paragraphs, and resolving what a user typed
(`000`, `桦甸`, `写在前面`, `3`) to one report or section."""

from __future__ import annotations

import json

from .errors import NotFoundError
from .home import Home
from .model import ParagraphView, ReportInfo, ReportView, SectionInfo, SectionView

_REPORT_COLUMNS = ("r.id, r.title, r.region, r.year, r.level, (SELECT COUNT(*) FROM sections s WHERE s.rid = r.rid),"
                   " r.chars, r.file, r.duplicate_of, r.url, r.urls, r.date")


def _info(row) -> ReportInfo:
    *head, urls, date = row
    return ReportInfo(*head, urls=tuple(json.loads(urls)), date=date)


def list_reports(home: Home) -> list[ReportInfo]:
    rows = home.con.execute(f"SELECT {_REPORT_COLUMNS} FROM reports r ORDER BY r.id")
    return [_info(row) for row in rows]


def reports_from(home: Home, folder) -> list[str]:
    """The ids of the reports whose files lie in `folder` (the bundled sample pages, say)."""
    import os

    roots = {os.path.abspath(folder), os.path.realpath(folder)}
    return [rid for rid, file in home.con.execute("SELECT id, file FROM reports ORDER BY id")
            if os.path.dirname(file) in roots or os.path.dirname(os.path.realpath(file)) in roots]


def resolve_report(home: Home, ref: str) -> ReportInfo:
    """A report by exact id, unique id prefix, or unique substring of its title or region."""
    ref = ref.strip()
    if not ref:
        raise NotFoundError("no report given", "Name a report by id, id prefix, title or region (see `baogao list`).")
    con = home.con
    for sql, arg in (("r.id = ?", ref), ("r.id LIKE ? ESCAPE '\\'", _like_prefix(ref)),
                     ("(r.title LIKE ? ESCAPE '\\' OR r.region LIKE ? ESCAPE '\\')", _like_sub(ref))):
        args = (arg,) if sql.count("?") == 1 else (arg, arg)
        rows = con.execute(f"SELECT {_REPORT_COLUMNS} FROM reports r WHERE {sql} ORDER BY r.id LIMIT 21", args).fetchall()
        if len(rows) == 1:
            return _info(rows[0])
        if len(rows) > 1:
            names = tuple(f"{r[0]}  {r[1]}" for r in rows[:20])
            raise NotFoundError(f"report '{ref}' is ambiguous: {len(rows) if len(rows) <= 20 else 'more than 20'} reports match",
                                "Give more of the id.", candidates=names)
    raise NotFoundError(f"no report matches '{ref}'", "See `baogao list` for the ids.")


def _like_prefix(s: str) -> str:
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _like_sub(s: str) -> str:
    return "%" + s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _rid(home: Home, report_id: str) -> int:
    return home.con.execute("SELECT rid FROM reports WHERE id = ?", (report_id,)).fetchone()[0]


def sections(home: Home, report_id: str) -> list[SectionInfo]:
    rows = home.con.execute("SELECT n, heading, level, path FROM sections WHERE rid = ? ORDER BY n",
                            (_rid(home, report_id),))
    return [SectionInfo(n, h, lv, tuple(json.loads(p))) for n, h, lv, p in rows]


def resolve_section(home: Home, report_id: str, ref: str) -> SectionInfo:
    """A section by number or unique substring of its heading (an exact heading wins)."""
    secs = sections(home, report_id)
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


def show(home: Home, report_id: str, section: int | None = None) -> ReportView:
    """A whole report, or one section with its descendants."""
    con = home.con
    rid, title, file, url, urls = con.execute("SELECT rid, title, file, url, urls FROM reports WHERE id = ?",
                                              (report_id,)).fetchone()
    rows = con.execute("SELECT sid, n, heading, level, path FROM sections WHERE rid = ? ORDER BY n", (rid,)).fetchall()
    if section is not None:
        start = next(i for i, r in enumerate(rows) if r[1] == section)
        level = rows[start][3]
        end = start + 1
        while end < len(rows) and rows[end][3] > level:
            end += 1
        rows = rows[start:end]
    views = []
    for sid, n, heading, level, path in rows:
        paras = tuple(ParagraphView(pn, text, kind, line) for pn, text, kind, line in
                      con.execute("SELECT n, text, kind, line FROM paragraphs WHERE sid = ? ORDER BY n", (sid,)))
        views.append(SectionView(n, heading, level, tuple(json.loads(path)), paras))
    return ReportView(report_id, title, file, tuple(views), url, tuple(json.loads(urls)))
