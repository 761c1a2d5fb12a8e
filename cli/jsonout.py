"""Records (index.model) → the JSON documents of docs/contract.md, in one place. Each command's
`--json` prints one of these (written by cli.export, whose CSV and XLSX hold the same fields); field
names and order are the contract (tests/golden pins them)."""

from __future__ import annotations

import dataclasses

from index.model import HEAD_FIELDS


def _head(record, skip=()) -> dict:
    """The report-head fields a record carries (index.model.HEAD_FIELDS), in the contract's order."""
    return {k: getattr(record, k) for k in HEAD_FIELDS if k not in skip}


def to_json(obj):
    """Dataclasses → JSON-ready dicts (tuples become lists)."""
    if dataclasses.is_dataclass(obj):
        return {f.name: to_json(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, (list, tuple)):
        return [to_json(x) for x in obj]
    if isinstance(obj, dict):
        return {k: to_json(v) for k, v in obj.items()}
    return obj


def reports(infos) -> list[dict]:
    """`list`: every field, `duplicate_of` only where the report is one."""
    return [{k: v for k, v in to_json(r).items() if k != "duplicate_of" or v} for r in infos]


def _none(record) -> None:
    return None


class Records:
    """A document's list of records written one at a time (issue 39): cli.export.print_json streams
    it, a record as it is built, never the whole list in memory."""

    def __init__(self, items):
        self.items = items

    def __iter__(self):
        return iter(self.items)


def _listed(items, stream: bool):
    return Records(items) if stream else list(items)


def search(result, cite=_none, stream: bool = False) -> dict:
    """With no hits, also `suggestions`: [{"text", "count"}] (did you mean). `cite` (cli.citation)
    gives each record that carries a place its `citation`."""
    doc = {"query": result.query, "total": result.total, "occurrences": result.occurrences,
           "reports_matched": result.reports_matched, "variants": [to_json(v) for v in result.variants],
           "hits": _listed(({**to_json(h), "citation": cite(h)} for h in result.hits), stream and bool(result.total))}
    if not result.total:
        doc["suggestions"] = [to_json(s) for s in result.suggestions]
    return doc


def verdict(v, cite=_none) -> dict:
    return {"quote": v.quote, "verdict": v.verdict, "matches": [
        {"report": m.report, "title": m.title, "section_id": m.section_id, "section": m.section,
         "paragraph": m.paragraph, "paragraph_end": m.paragraph_end, "similarity": m.similarity,
         "source": m.source, "differences": [to_json(d) for d in m.differences], "url": m.url,
         "urls": list(m.urls), "region": m.region, **_head(m), "citation": cite(m)} for m in v.matches]}


def unchecked(row) -> dict:
    """`verify -`: a line that could not be checked (cli.inputs.Unchecked)."""
    return {"quote": row.quote, "error": row.why}


def trend(t, cite=_none, stream: bool = False) -> dict:
    return {"by": t.by, "reports_matched": t.reports_matched, "terms": _listed((
        {"term": x.term, "total": x.total, "reports": x.reports,
         "first": {**to_json(x.first), "citation": cite(x.first)} if x.first else None,
         "buckets": [to_json(b) for b in x.buckets], "variants": [to_json(v) for v in x.variants]} for x in t.terms),
        stream)}


def spread(sp, cite=_none) -> dict:
    """`trend --first`."""
    return {"term": sp.term, "first": [
        {"region": r.region, "level": r.level, "year": r.mention.year, "date": r.date, "report": r.mention.report,
         "title": r.mention.title, "section_id": r.mention.section_id, "section": r.mention.section,
         "paragraph": r.mention.paragraph, "url": r.mention.url, **_head(r.mention, ("level", "date")),
         "citation": cite(r.mention)} for r in sp.first]}


def novelty(nv) -> dict:
    """`new`."""
    return {"report": nv.report, "title": nv.title, "year": nv.year, "region": nv.region, **_head(nv),
            "baseline": list(nv.baseline), "found": nv.found, "phrases": [
        {"phrase": p.phrase, "count": p.count, "section_id": p.section_id, "paragraph": p.paragraph,
         "quoted": p.quoted, "in_heading": p.in_heading,
         **({} if p.later_reports is None else {"later_reports": p.later_reports})} for p in nv.phrases]}


def revision(r) -> dict:
    """`diff OLD NEW`: the summary first, then every sentence pair."""
    s = r.summary
    return {"old": r.old, "new": r.new, "summary": {
        "sections_added": list(s.sections_added), "sections_removed": list(s.sections_removed),
        "sentences_changed": s.sentences_changed, "sentences_added": s.sentences_added,
        "sentences_removed": s.sentences_removed, "sentences_moved": s.sentences_moved,
        "figures": [{"old": o, "new": n, "context": c} for o, n, c in s.figures],
        "targets": [{"indicator": t.indicator, "old": t.old, "new": t.new, "unchanged": t.unchanged} for t in s.targets]},
        "pairs": [{"kind": p.kind, "old_text": p.old_text, "new_text": p.new_text, "old_section": p.old_section,
                   "old_paragraph": p.old_paragraph, "new_section": p.new_section, "new_paragraph": p.new_paragraph,
                   "differences": [{"kind": k, "old": o, "new": n} for k, o, n in p.differences]} for p in r.pairs]}


COMPARED_FIELDS = ("phrase", "target_count", "reference_count", "target_per_10k", "reference_per_10k", "g2", "log_ratio",
                   "target_reports")


def comparison(cmp, cite=_none) -> dict:
    """`compare`: the two sides (reports counted once per text, characters), then the phrases."""
    def side(s):
        return {"label": s.label, "reports": s.texts, "chars": s.chars}
    return {"target": side(cmp.target), "reference": side(cmp.reference), "phrases": [
        {**{k: getattr(p, k) for k in COMPARED_FIELDS}, "citation": cite(p.first) if p.first else None}
        for p in cmp.phrases]}


TARGET_FIELDS = ("report", "title", "year", "region", "level", "indicator", "status", "text", "low", "high", "unit",
                 "modifier", "not_set", "section_id", "paragraph", "url", *(k for k in HEAD_FIELDS if k != "level"))


def targets(rows, reports_matched: int | None, cite=_none) -> dict:
    from .citation import cite as cite_place

    def citation(r):  # a row where nothing was read has no place in the report: the report's own citation
        return cite(r) if r.status not in ("not_found", "no_cue") or cite is _none else cite_place(r, None, None, None)
    return {"reports_matched": reports_matched,
            "targets": [{**{k: getattr(r, k) for k in TARGET_FIELDS}, "citation": citation(r)} for r in rows]}


KWIC_FIELDS = ("report", "title", "year", "region", "section_id", "section", "paragraph", "left", "match", "right", "url",
               "variant", *HEAD_FIELDS)


def kwic(c, cite=_none, stream: bool = False) -> dict:
    return {"term": c.term, "total": c.total, "reports_matched": c.reports_matched, "variants": [to_json(v) for v in c.variants],
            "lines": _listed(({**{k: getattr(line, k) for k in KWIC_FIELDS}, "citation": cite(line)} for line in c.lines),
                             stream)}


def error(message: str, hint: str, candidates=(), reports_matched: int | None = None) -> dict:
    """With `reports_matched` (0) when the error is filters that keep no report."""
    doc = {"error": message, "hint": hint}
    if candidates:
        doc["candidates"] = list(candidates)
    if reports_matched is not None:
        doc["reports_matched"] = reports_matched
    return doc
