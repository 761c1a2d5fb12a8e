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
    date: str | None = None  # a sidecar's date as written, else the delivery line's (YYYY-MM-DD)
    subtitle: str | None = None  # the line after the title when it is one (当前的经济形势和经济体制改革)
    speaker: str | None = None  # office and name, from the speaker line (国务院总理 李强)
    occasion: str | None = None  # where it was delivered (第十四届全国人民代表大会第二次会议)
    session: str | None = None  # the congress session the occasion or title names, as printed
    year_source: str | None = None  # where `year` was read: sidecar, file name, title, delivery line, session, text, party congress
    source_meta: dict = field(default_factory=dict, compare=False)  # the sidecar's row, as read
    read_note: str | None = None  # how its file was read when not cleanly ("read with 1 undecodable byte replaced")
