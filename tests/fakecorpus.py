"""A Corpus (index/engine/corpus.py) held in memory: a few reports as plain data, no files, no home —
so an engine function that takes a Corpus is tested in the inner loop in milliseconds (issue 33).

Each section's text is built as a home builds it (index.sectiontext: its lines — title, heading,
paragraphs — normalized one by one, the offset map packed), and every answer is a plain Python
definition over it: str.count for the printed rule (non-overlapping, docs/contract.md), archive's
`loose` per line for the text without marks, list comprehensions for the catalogue. Scores are
not BM25: a section holding every word scores 1."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from archive import loose as drop_marks
from index import sectiontext
from index.model import ReportInfo, SectionMeta
from index.sectiontable import SectionTable


@dataclass
class _Section:
    sid: int
    rid: int
    n: int
    heading: str
    level: int
    path: tuple[str, ...]
    paragraphs: list[tuple[int, str, str, int]]  # (n, text, kind, line), as store.paragraphs_of
    norm: str  # its lines normalized, one a line (what the substring index holds)
    loose: str  # the same lines with their marks dropped
    offsets: bytes  # normalized → display offsets, packed


def _ints(values) -> np.ndarray:
    return np.array(list(values), np.int64)


class FakeCorpus:
    def __init__(self, reports):
        """`reports`: dicts with id, title, year, region, level, url and sections — a list of
        (heading, [paragraph, …]), a paragraph a string (kind body) or (text, kind); optional: date,
        duplicate_of (an earlier report's id), sid (its first section's id). Or, as the first tests
        had it, a dict sid → one section's text (each its own untitled report)."""
        if isinstance(reports, dict):
            reports = [{"id": f"r{sid}", "title": "", "sid": sid, "sections": [("", [text])]}
                       for sid, text in sorted(reports.items())]
        self.infos: list[ReportInfo] = []
        self.rid: dict[str, int] = {}  # report id → row id
        self.sections: dict[int, _Section] = {}  # sid → its section, by sid
        sid = 0
        for rid, r in enumerate(reports, start=1):
            title, line = r.get("title", ""), 1
            self.rid[r["id"]] = rid
            sid = r.get("sid", sid + 1)
            first = sid
            for n, (heading, paragraphs) in enumerate(r["sections"], start=1):
                heads = sectiontext.head_lines(title, n, heading)
                line += len(heads)
                paras = []
                for k, p in enumerate(paragraphs, start=1):
                    text, kind = (p, "body") if isinstance(p, str) else p
                    paras.append((k, text, kind, line))
                    line += 1
                norm, offsets = sectiontext.normalized(sectiontext.lines_of(title, n, heading, [p[1] for p in paras]))
                self.sections[sid] = _Section(sid, rid, n, heading, 1, (heading,) if heading else (), paras, norm,
                                              "\n".join(drop_marks(x) for x in norm.split("\n")),
                                              sectiontext.pack_offsets(offsets))
                sid += 1
            sid -= 1
            self.infos.append(ReportInfo(
                r["id"], title, r.get("region", ""), r.get("year"), r.get("level", "other"), sid - first + 1,
                sum(len(p[1]) for s in self.sections.values() if s.rid == rid for p in s.paragraphs),
                r.get("file", f"{r['id']}.txt"), r.get("duplicate_of"), r.get("url"),
                (r["url"],) if r.get("url") else (), r.get("date")))
        self.sections = dict(sorted(self.sections.items()))
        self.by_id = {info.id: info for info in self.infos}
        pairs = sorted((self.rid[i.id], self.rid[i.duplicate_of]) for i in self.infos if i.duplicate_of in self.rid)
        secs = list(self.sections.values())
        self.section_table = SectionTable({
            "sid": _ints(s.sid for s in secs), "rid": _ints(s.rid for s in secs), "n": _ints(s.n for s in secs),
            "year": _ints(self._info(s).year or 0 for s in secs),
            "dup_rid": _ints(d for d, _ in pairs), "dup_orig": _ints(o for _, o in pairs)})
        # The archive's segmenter with the shipped dictionary: built now, jieba loaded at its first cut.
        from index.local.segmenter import Segmenter, shipped_words

        self.segmenter = Segmenter(shipped_words)

    def _info(self, s: _Section) -> ReportInfo:
        return self.infos[s.rid - 1]

    def _keeps(self, info: ReportInfo, conditions, heading: str | None = None) -> bool:
        """What store.where keeps (LIKE: case-insensitive containment; a NULL year passes no bound)."""
        def has(value, text):
            return text.lower() in (value or "").lower()

        for c in conditions:
            ok = {"year": lambda: info.year is not None and (c.low is None or info.year >= c.low)
                  and (c.high is None or info.year <= c.high),
                  "level": lambda: info.level == c.text,
                  "region": lambda: has(info.region, c.text),
                  "report": lambda: info.id.lower().startswith(c.text.lower()) or has(info.title, c.text),
                  "heading": lambda: heading is not None and has(heading, c.text)}[c.field]()
            if not ok:
                return False
        return True

    # -- strings and words ----------------------------------------------------------------------
    def follow(self) -> None:
        pass

    def holding(self, text: str, loose: bool = False):
        found = [(sid, n) for sid, s in self.sections.items()
                 if text and (n := (s.loose if loose else s.norm).count(text))]
        return _ints(s for s, _ in found), _ints(n for _, n in found)

    def holding_at_most(self, text: str, at_most: int):
        sids = self.holding(text, loose=True)[0]
        return sids if len(sids) <= at_most else None

    def total(self, text: str, loose: bool = False) -> int | None:
        """Every start, overlapping ones too (as the suffix array counts them)."""
        body = "\n".join((s.loose if loose else s.norm) for s in self.sections.values())
        return sum(body.startswith(text, i) for i in range(len(body))) if text else 0

    def matching(self, regex, pieces, reach):
        return None  # the engine reads the candidates' texts

    def fillers(self, left: str, right: str) -> set[str]:
        out = set()
        for s in self.sections.values():
            body = s.norm
            at = body.find(left)
            while at >= 0:
                x = at + len(left)
                if x < len(body) and body[x] != "\n" and body.startswith(right, x + 1):
                    out.add(body[x])
                at = body.find(left, at + 1)
        return out

    def open_words(self) -> None:
        pass

    def segment_ahead(self, texts) -> None:
        pass

    def word_scores(self, words: list[str]):
        found = [sid for sid, s in self.sections.items() if all(w in s.norm for w in words)]
        return _ints(found), np.ones(len(found))

    # -- sections -------------------------------------------------------------------------------
    def section_heads(self, sids) -> dict[int, SectionMeta]:
        out = {}
        for sid in sids:
            s = self.sections.get(int(sid))
            if s is not None:
                r = self._info(s)
                out[s.sid] = SectionMeta(s.sid, s.n, s.heading, s.path, r.id, r.title, r.region, r.year, r.level, "",
                                         s.offsets, r.url, r.urls, r.date, r.speaker, r.subtitle, r.occasion,
                                         r.session, r.year_source)
        return out

    def with_text(self, metas):
        return list(metas)

    def section_texts(self, sids) -> dict[int, list[str]]:
        return {int(sid): [p[1] for p in self.sections[int(sid)].paragraphs] for sid in sids}

    def norm_texts(self, metas) -> dict[int, str]:
        return {m.sid: self.sections[m.sid].norm for m in metas if m.sid in self.sections}

    def paragraphs_of(self, sid: int):
        return list(self.sections[sid].paragraphs)

    def section_sid(self, report_id: str, n: int) -> int | None:
        return next((s.sid for s in self.sections.values() if s.rid == self.rid.get(report_id) and s.n == n), None)

    def heading_sids(self, conditions) -> list[int]:
        return [s.sid for s in self.sections.values() if self._keeps(self._info(s), conditions, s.heading)]

    # -- reports --------------------------------------------------------------------------------
    def reports(self, conditions=()) -> list[ReportInfo]:
        return sorted((i for i in self.infos if self._keeps(i, conditions)), key=lambda i: i.id)

    def count_reports(self) -> int:
        return len(self.infos)

    def reports_named(self, ref: str, how: str, limit: int) -> list[ReportInfo]:
        named = {"id": lambda i: i.id == ref, "prefix": lambda i: i.id.lower().startswith(ref.lower()),
                 "text": lambda i: ref.lower() in i.title.lower() or ref.lower() in i.region.lower()}[how]
        return [i for i in self.reports() if named(i)][:limit]

    def report_files(self) -> list[tuple[str, str]]:
        return [(i.id, i.file) for i in self.reports()]

    def report_head(self, report_id: str):
        i = self.by_id.get(report_id)
        return None if i is None else (self.rid[i.id], i.title, i.file, i.url, i.urls)

    def _of(self, report_id: str) -> list[_Section]:
        return [s for s in self.sections.values() if s.rid == self.rid.get(report_id)]

    def sections_of(self, report_id: str):
        return [(s.sid, s.n, s.heading, s.level, s.path) for s in self._of(report_id)]

    def report_lines(self, report_ids) -> dict[str, list[tuple[int, int, str]]]:
        return {r: sorted([(s.n, 0, s.heading) for s in self._of(r) if s.heading]
                          + [(s.n, p[0], p[1]) for s in self._of(r) for p in s.paragraphs]) for r in report_ids}

    def report_section_sids(self, report_ids) -> list[int]:
        return sorted(s.sid for r in report_ids for s in self._of(r))

    def report_rowids(self, conditions) -> list[int]:
        return [self.rid[i.id] for i in self.reports(conditions)]

    def report_ids(self, rowids) -> dict[int, str]:
        return {int(r): self.infos[int(r) - 1].id for r in rowids if 0 < int(r) <= len(self.infos)}

    def reports_for_counting(self, conditions) -> list[tuple]:
        return [(self.rid[i.id], i.id, i.title, i.region, i.year, i.level, i.chars, i.date)
                for i in self.reports(conditions)]
