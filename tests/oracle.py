"""The oracle: brute force over an archive's own display text, answering the questions the indexes
answer. Slow and obviously right; the reference every channel is compared with, not a second engine.

What it reads is what a person reads: `index.list_reports` and `index.show` (the store's display
text). A section's text is its lines — the report title (first section only, when it is not also
that section's heading), the heading, then the paragraphs — each normalized on its own with the one
normalization function. A string is found within one line; occurrences are counted as `str.count`
counts them (non-overlapping, left to right). A report recorded as a duplicate of another is folded
under it when the other matches too (`with_duplicates=True`: every report counts).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from archive import normalize_text


@dataclass(frozen=True)
class Line:
    report: str
    section: int
    paragraph: int  # 0: the title or the heading
    kind: str  # title | heading | body | caption | byline | note
    text: str  # as displayed
    norm: str


@dataclass(frozen=True)
class ReportMeta:
    id: str
    title: str
    region: str
    year: int | None
    level: str
    duplicate_of: str | None
    date: str | None = None


class Oracle:
    def __init__(self, home):
        from index import list_reports, show

        self.reports: dict[str, ReportMeta] = {}
        self.sections: dict[tuple[str, int], list[Line]] = {}
        for info in list_reports(home):
            self.reports[info.id] = ReportMeta(info.id, info.title, info.region, info.year, info.level, info.duplicate_of,
                                               info.date)
            view = show(home, info.id)
            for sec in view.sections:
                lines = []
                if sec.id == 1 and info.title and info.title != sec.heading:
                    lines.append(Line(info.id, sec.id, 0, "title", info.title, normalize_text(info.title)))
                if sec.heading:
                    lines.append(Line(info.id, sec.id, 0, "heading", sec.heading, normalize_text(sec.heading)))
                for p in sec.paragraphs:
                    lines.append(Line(info.id, sec.id, p.n, p.kind, p.text, normalize_text(p.text)))
                self.sections[(info.id, sec.id)] = lines

    # -- which reports a filter keeps -----------------------------------------------------------
    def keeps(self, r: ReportMeta, region=None, year=None, level=None, report=None) -> bool:
        if region is not None and region not in r.region:
            return False
        if level is not None and r.level != level:
            return False
        if report is not None and not (r.id.startswith(report) or report in r.title):
            return False
        if year is not None:
            if r.year is None:
                return False
            y = str(year)
            if y.startswith(">="):
                return r.year >= int(y[2:])
            if y.startswith("<="):
                return r.year <= int(y[2:])
            if "-" in y[1:]:
                lo, hi = y.split("-", 1)
                return int(lo) <= r.year <= int(hi)
            return r.year == int(y)
        return True

    # -- exact strings ------------------------------------------------------------------------------
    def counts(self, raw: str, *, with_duplicates: bool = False, **filters) -> dict[tuple[str, int], int]:
        """(report, section) → occurrences of the normalized `raw`, duplicates folded unless asked."""
        needle = normalize_text(raw)
        found: dict[tuple[str, int], int] = {}
        for key, lines in self.sections.items():
            if not self.keeps(self.reports[key[0]], **filters):
                continue
            n = sum(line.norm.count(needle) for line in lines) if needle else 0
            if n:
                found[key] = n
        if with_duplicates:
            return found
        matched = {rep for rep, _ in found}
        return {k: v for k, v in found.items() if self.reports[k[0]].duplicate_of not in matched}

    def folded(self, raw: str, **filters) -> dict[str, set[str]]:
        """original report → the duplicate reports folded under it (both matching)."""
        every = {rep for rep, _ in self.counts(raw, with_duplicates=True, **filters)}
        out: dict[str, set[str]] = {}
        for rep in every:
            original = self.reports[rep].duplicate_of
            if original in every:
                out.setdefault(original, set()).add(rep)
        return out

    def trend(self, raw: str, by: str = "year", *, with_duplicates: bool = False, **filters) -> dict[str, tuple[int, int]]:
        """bucket → (occurrences, reports)."""
        per_report: dict[str, int] = {}
        for (rep, _), n in self.counts(raw, with_duplicates=with_duplicates, **filters).items():
            per_report[rep] = per_report.get(rep, 0) + n
        out: dict[str, list[int]] = {}
        for rep, n in per_report.items():
            value = getattr(self.reports[rep], by)
            b = out.setdefault(str(value) if value is not None else "?", [0, 0])
            b[0] += n
            b[1] += 1
        return {k: (v[0], v[1]) for k, v in out.items()}

    def first(self, raw: str, *, with_duplicates: bool = False, **filters) -> tuple[str, int, int] | None:
        """(report, section, paragraph) of the first mention: the earliest year (unknown last), then
        the date where known, then the report id; its first section and first line holding it."""
        found = self.counts(raw, with_duplicates=with_duplicates, **filters)
        if not found:
            return None
        return self._mention(raw, min(found, key=lambda k: self._earliest(k[0]) + (k[1],)))

    def first_by_region(self, raw: str, *, with_duplicates: bool = False, **filters) -> list[tuple]:
        """(region, report, section, paragraph) of each region's first mention, earliest first."""
        found = self.counts(raw, with_duplicates=with_duplicates, **filters)
        best: dict[str, tuple[str, int]] = {}
        for key in sorted(found, key=lambda k: self._earliest(k[0]) + (k[1],)):
            best.setdefault(self.reports[key[0]].region, key)
        rows = sorted(best.items(), key=lambda kv: self._earliest(kv[1][0]))
        return [(region, *self._mention(raw, key)) for region, key in rows]

    def _earliest(self, report: str) -> tuple:
        r = self.reports[report]
        return (r.year is None, r.year or 0, r.date is None, r.date or "", r.id)

    def _mention(self, raw: str, key: tuple[str, int]) -> tuple[str, int, int]:
        needle = normalize_text(raw)
        line = next(line for line in self.sections[key] if needle in line.norm)
        return key[0], key[1], line.paragraph

    # -- what a report says -------------------------------------------------------------------------
    def count_in(self, phrase: str, report: str) -> int:
        """Occurrences of the normalized `phrase` in one report's lines."""
        needle = normalize_text(phrase)
        return sum(line.norm.count(needle) for (rep, _), lines in self.sections.items() if rep == report
                   for line in lines)

    # -- quotes -------------------------------------------------------------------------------------
    def verbatim(self, quote: str) -> set[tuple[str, int, int]]:
        """(report, section, paragraph where it starts) wherever the quote's characters stand in a
        row, ignoring punctuation and spaces (a decimal point inside a number counts), across the
        lines of one section (title, heading, body and note paragraphs; not captions or bylines)."""
        q = core(normalize_text(quote))
        places = set()
        if not q:
            return places
        for key, (text, owner) in self._quotable().items():
            at = text.find(q)
            while at >= 0:
                places.add((*key, owner[at]))
                at = text.find(q, at + 1)
        return places

    def _quotable(self) -> dict[tuple[str, int], tuple[str, list[int]]]:
        """Per section, its quotable characters in a row and the paragraph of each (made once)."""
        if not hasattr(self, "_cores"):
            self._cores = {}
            for key, lines in self.sections.items():
                text, owner = "", []
                for line in lines:
                    if line.kind in ("caption", "byline"):
                        continue
                    c = core(line.norm)
                    text += c
                    owner += [line.paragraph] * len(c)
                self._cores[key] = (text, owner)
        return self._cores


def core(norm: str) -> str:
    """The characters that count in a quote: no punctuation, no space; a '.' between two digits and
    '%' stay (4.5% and 45% are different figures)."""
    out = []
    for i, ch in enumerate(norm):
        if ch.isspace():
            continue
        if ch == "." and 0 < i < len(norm) - 1 and norm[i - 1].isdigit() and norm[i + 1].isdigit():
            out.append(ch)
        elif ch == "%" or not unicodedata.category(ch).startswith("P"):
            out.append(ch)
    return "".join(out)
