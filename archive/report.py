"""One file → one Report: read, clean, split into sections, describe."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from . import metadata
from .cleaning import clean
from .model import Report
from .reading import decode, read_bytes
from .sections import build_sections


def parse_text(text: str, *, report_id: str, path: str = "", sha256: str = "") -> Report:
    cleaned = clean(text)
    blocks = cleaned.blocks
    title, title_block = metadata.title_of(blocks, cleaned.markdown)
    sections = build_sections(blocks, cleaned.markdown, title, title_block)
    named = metadata.from_filename(report_id)
    body = "\n".join(b.text for b in blocks)
    title_area = [title] + [b.text for b in blocks[:6] if b.kind == "body" and len(b.text) <= 40]
    region = named.get("region") or metadata.region_of(title_area, body)
    year = named.get("year") or metadata.year_of(body)
    level = named.get("level") or metadata.level_of_region(region, body)
    return Report(
        id=report_id, title=title, region=region, year=year, level=level, path=path, sha256=sha256,
        sections=sections, authors=metadata.authors_of(blocks), duplicates_dropped=cleaned.duplicates_dropped,
        chars=sum(len(p.text) for s in sections for p in s.paragraphs),
    )


def parse_file(path: str | os.PathLike) -> Report:
    """Read and parse one report file; raises ArchiveError naming the file when it cannot."""
    p = Path(path)
    data = read_bytes(p)
    text = decode(data, p)
    return parse_text(text, report_id=p.stem, path=os.path.abspath(p), sha256=hashlib.sha256(data).hexdigest())
