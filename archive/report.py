"""One file → one Report: read, clean, split into sections, describe."""

from __future__ import annotations

import dataclasses
import hashlib
import os
from pathlib import Path

from . import metadata
from .cleaning import clean
from .model import Report
from .reading import read_bytes, read_text
from .sections import build_sections
from .sidecar import KIND_LEVELS, entry_for


# What reading a file into a report depends on beyond its bytes and its sidecar row: bump it when a
# rule changes what a file reads as (2: regions named as the gazetteer names them, 宁夏 → 宁夏回族自治区;
# 3: only true repeats dropped, the title, speaker, date, occasion and session read from the head;
# 4: a report of one line is one section headed by that line; 5: a numbered heading keeps its 。, the
# first line is the title (never joined, never also a paragraph), breaks at a bracket or a zero-width line joined),
# so that the next ingest reads unchanged files again instead of keeping what the old rules made of them.
READING = 5


def reading_key(meta: dict) -> dict:
    """What an ingest compares to decide a file is unchanged, beside its hash: its sidecar row and
    the reading rules' version."""
    return {"reading": READING, "sidecar": meta}


def parse_text(text: str, *, report_id: str, path: str = "", sha256: str = "", meta: dict | None = None) -> Report:
    """`meta`: what a sidecar says of the file (sidecar.entry_for); it wins over the file name, which
    wins over the text."""
    meta = meta or {}
    cleaned = clean(text)
    blocks = cleaned.blocks
    title, title_block = metadata.title_of(blocks, cleaned.markdown)
    if meta.get("title") and (printed := metadata.printed_title(blocks, meta["title"])) is not None:
        title, title_block = metadata.title_text(blocks[printed].text), printed  # the sidecar's, as printed
    sections = build_sections(blocks, cleaned.markdown, title, title_block)
    named = metadata.from_filename(report_id)
    body = "\n".join(b.text for b in blocks)
    head = [b.text for b in blocks[:12] if b.kind in ("body", "note")]
    title_area = [title] + [b.text for b in blocks[:6] if b.kind == "body" and len(b.text) <= 40]
    region = metadata.canonical_region(meta.get("region") or named.get("region") or metadata.region_of(title_area, body))
    head_meta = metadata.head_of(blocks, title)
    if meta.get("year"):
        year, year_source = meta["year"], "sidecar"
    elif named.get("year"):
        year, year_source = named["year"], "file name"
    else:
        year, year_source = metadata.year_and_source(meta.get("title") or title, head, body)
    if metadata.congress_year(meta.get("title") or title) or meta.get("kind") == "cpc_congress_report":
        region = meta.get("region") or "全国"  # a party congress speaks for the whole country
    level = _level(meta, region) or named.get("level") or metadata.level_of_region(region, body)
    urls = tuple(meta.get("urls", ()))
    return Report(
        id=report_id, title=meta.get("title") or title, region=region, year=year, level=level, path=path,
        sha256=sha256, sections=sections, authors=metadata.authors_of(blocks),
        duplicates_dropped=cleaned.duplicates_dropped, chars=sum(len(p.text) for s in sections for p in s.paragraphs),
        urls=urls, date=meta.get("date") or head_meta["date"], source_meta=meta,
        subtitle=meta.get("subtitle") or head_meta["subtitle"], speaker=meta.get("speaker") or head_meta["speaker"],
        occasion=meta.get("occasion") or head_meta["occasion"], session=meta.get("session") or head_meta["session"],
        year_source=year_source if year else None,
    )


def _level(meta: dict, region: str) -> str | None:
    """The level a sidecar gives: its level column, or its kind (a government work report's level is
    its region's). The four municipalities are provincial-level, whatever a list files them under."""
    level = meta.get("level")
    if level:
        return "provincial" if region in metadata.MUNICIPALITIES and level == "city" else level
    kind = meta.get("kind")
    if kind in KIND_LEVELS:
        return KIND_LEVELS[kind]
    if kind == "government_work_report" and region:
        return metadata.level_of_region(region)
    return None


def parse_file(path: str | os.PathLike, meta: dict | None = None) -> Report:
    """Read and parse one report file, with what the sidecar beside it says (unless `meta` is given);
    raises ArchiveError naming the file when it cannot."""
    p = Path(path)
    data = read_bytes(p)
    decoded = read_text(data, p)
    if meta is None:
        meta = entry_for(p)
    report = parse_text(decoded.text, report_id=p.stem, path=os.path.abspath(p), sha256=hashlib.sha256(data).hexdigest(),
                        meta=meta)
    return dataclasses.replace(report, read_note=decoded.note) if decoded.note else report
