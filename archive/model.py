"""The frozen records that leave `archive`: a report, its sections, their paragraphs."""

from __future__ import annotations

from dataclasses import dataclass, field

KINDS = ("body", "caption", "byline", "note")
LEVELS = ("national", "provincial", "city", "county", "other")


@dataclass(frozen=True)
class Paragraph:
    text: str
    kind: str = "body"  # one of KINDS
    line: int = 0  # 1-based source line where the paragraph starts


@dataclass(frozen=True)
class Section:
    id: int  # 1.. in reading order
    heading: str
    level: int  # depth in the heading tree, 1 = top
    path: tuple[str, ...]  # headings from the top down to this one
    paragraphs: tuple[Paragraph, ...] = ()


@dataclass(frozen=True)
class Report:
    id: str  # the file stem
    title: str
    region: str
    year: int | None
    level: str  # one of LEVELS
    path: str
    sha256: str
    sections: tuple[Section, ...] = ()
    authors: tuple[str, ...] = ()
    duplicates_dropped: int = 0  # repeated body paragraphs removed while cleaning
    chars: int = field(default=0)
    urls: tuple[str, ...] = ()  # where the report was published (from a sidecar), first the main one
    date: str | None = None  # the publication date a sidecar gives, as written
    source_meta: dict = field(default_factory=dict, compare=False)  # the sidecar's row, as read
