"""The one citation of a place in a report, built here and nowhere else: under each search hit,
in verify, show, kwic, trend's first mention, the JSON `citation` fields, the spreadsheets and the
app's `c`. So a sentence cites as the same string wherever it was found:

    2024年 国务院《政府工作报告》（李强，2024年3月5日）· 二、… · ¶7 [国务院_2024 §4] https://…

year, issuer (the region, or 国务院 for a national report), title, speaker and date where known,
the section heading, ¶ (none for a heading or the title), the report id with §, the source URL."""

from __future__ import annotations

import re

from .visible import field

NATIONAL = "国务院"


def _date(text: str | None) -> str:
    """2024-03-05 → 2024年3月5日 (a date written otherwise stays as written)."""
    if not text:
        return ""
    m = re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", text.strip())
    return f"{m[1]}年{int(m[2])}月{int(m[3])}日" if m else text.strip()


def _name(speaker: str | None) -> str:
    """国务院总理 李强 → 李强: the head's speaker is office and name; a citation names the person."""
    return speaker.split()[-1] if speaker and speaker.split() else ""


def cite(record, section_id: int | None, section: str | None, paragraph: int | None) -> str:
    """The citation of ¶`paragraph` (0 or None: the heading or title) of section `section_id`
    (headed `section`) of a report, from a record that carries the report's metadata: a ReportInfo
    (its `id`) or any record that names its report (`report`) — a hit, a verify match, a kwic line, a
    first mention, a target row — with title, year, region, level, speaker, date and url beside it."""
    report_id = getattr(record, "id", None) or record.report
    issuer = NATIONAL if record.level == "national" else (record.region or "")
    title = (record.title or "").strip()
    shown = title if not title or (title.startswith("《") and title.endswith("》")) else f"《{title}》"
    who = [x for x in (_name(record.speaker), _date(record.date)) if x]
    head = " ".join(x for x in (f"{record.year}年" if record.year else "", issuer) if x)
    parts = [(head + shown + (f"（{'，'.join(who)}）" if who else "")).strip()]
    if section and section.strip() != title:
        parts.append(section.strip())
    if paragraph:
        parts.append(f"¶{paragraph}")
    where = f"[{report_id}" + (f" §{section_id}]" if section_id else "]")
    whole = " · ".join(p for p in parts if p) + f" {where}" + (f" {record.url}" if record.url else "")
    return field(whole)  # one line, no control character: it is pasted (the app's `c`, a sheet, a JSON field)


class Citations:
    """Citations for the records of one command: each carries its report's metadata (index.model
    HEAD_FIELDS); a target row names no heading, read here from the backend, once per report."""

    def __init__(self, backend):
        self.backend = backend
        self._headings: dict[str, dict[int, str]] = {}

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
        return cite(record, record.section_id, section, paragraph)


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
