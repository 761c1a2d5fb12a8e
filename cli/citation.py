"""The one citation of a place in a report, built here and nowhere else: under each search hit,
in verify, show, kwic, trend's first mention, the JSON `citation` fields, the spreadsheets and the
app's `c`. So a sentence cites as the same string wherever it was found:

    2024年 国务院《政府工作报告》（李强，2024年3月5日）· 二、… · ¶7 [国务院_2024 §4] https://…

year, issuer (the region, or 国务院 for a national report), title, speaker and date where known,
the section heading, ¶ (none for a heading or the title), the report id with §, the source URL."""

from __future__ import annotations

import re

NATIONAL = "国务院"


def _date(text: str | None) -> str:
    """2024-03-05 → 2024年3月5日 (a date written otherwise stays as written)."""
    if not text:
        return ""
    m = re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", text.strip())
    return f"{m[1]}年{int(m[2])}月{int(m[3])}日" if m else text.strip()


def cite(info, section_id: int | None, section: str | None, paragraph: int | None) -> str:
    """The citation of ¶`paragraph` (0 or None: the heading or title) of section `section_id`
    (headed `section`) of the report `info` (a ReportInfo: id, title, year, region, level, url, and
    `speaker`/`date` where the record has them)."""
    year = getattr(info, "year", None)
    level = getattr(info, "level", None)
    region = getattr(info, "region", "") or ""
    issuer = NATIONAL if level == "national" else region
    title = (getattr(info, "title", "") or "").strip()
    if title and not (title.startswith("《") and title.endswith("》")):
        title = f"《{title}》"
    who = [x for x in (getattr(info, "speaker", None) or "", _date(getattr(info, "date", None))) if x]
    head = " ".join(x for x in (f"{year}年" if year else "", issuer) if x)
    first = head + title + (f"（{'，'.join(who)}）" if who else "")
    parts = [first.strip()]
    if section and section.strip() != (getattr(info, "title", "") or "").strip():
        parts.append(section.strip())
    if paragraph:
        parts.append(f"¶{paragraph}")
    where = f"[{info.id}" + (f" §{section_id}]" if section_id else "]")
    url = getattr(info, "url", None)
    return " · ".join(p for p in parts if p) + f" {where}" + (f" {url}" if url else "")


class Citations:
    """Citations for records that name their report by id: the reports' records read once from the
    backend (a hit or a kwic line does not carry the level, speaker or date)."""

    def __init__(self, backend):
        self.backend = backend
        self._infos: dict | None = None
        self._headings: dict[str, dict[int, str]] = {}

    def info(self, report_id: str):
        if self._infos is None:
            self._infos = {r.id: r for r in self.backend.reports()}
        info = self._infos.get(report_id)
        if info is None:
            info = self._infos[report_id] = self.backend.resolve_report(report_id)
        return info

    def __call__(self, report_id: str, section_id, section, paragraph) -> str:
        return cite(self.info(report_id), section_id, section, paragraph)

    def heading(self, report_id: str, section_id: int) -> str | None:
        if report_id not in self._headings:
            self._headings[report_id] = {s.id: s.heading for s in self.backend.sections(report_id)}
        return self._headings[report_id].get(section_id)

    def of(self, record) -> str:
        """A record with report, section_id, section and paragraph (a kwic line, a verify match, a
        first mention; a target row has no heading: read here; a search hit no paragraph:
        `hit_paragraph`)."""
        paragraph = getattr(record, "paragraph", None)
        if paragraph is None:
            paragraph = hit_paragraph(record)
        section = getattr(record, "section", None)
        if section is None:
            section = self.heading(record.report, record.section_id)
        return self(record.report, record.section_id, section, paragraph)


def hit_paragraph(hit) -> int:
    """The paragraph of a search hit's first match (0: in the heading or title)."""
    from index.sectiontext import head_lines, paragraph_of

    if not hit.highlights:
        return 0
    s, e = hit.highlights[0]
    found = hit.snippet[s:e]
    heads = len(head_lines(hit.title, hit.section_id, hit.section))
    for k, line in enumerate(hit.text.split("\n")):
        if found and found in line:
            return paragraph_of(k, heads)
    return 0
