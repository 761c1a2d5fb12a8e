"""Sections: which blocks are headings, how headings nest, which paragraphs sit under each."""

from __future__ import annotations

from dataclasses import dataclass, field

from .cleaning import CLOSING, MAJOR_HEADING, NUMBERING, Block, KNOWN_HEADING
from .model import Paragraph, Section

# An inline heading is the clause before the first 。; longer than this it is a numbered sentence.
_INLINE_CLAUSE_MAX = {1: 40, 2: 40, 3: 24, 4: 24}
_STANDALONE_MAX = {1: 40, 2: 50, 3: 30, 4: 30}
# A heading may end in a closing quote or bracket (深入实施科教强市“一号工程”), not in a sentence stop.
_SENTENCE_END = set("。！？；;：:，,!?")


@dataclass
class _Open:
    heading: str
    rank: int
    line: int
    paragraphs: list[Paragraph] = field(default_factory=list)
    level: int = 1
    path: tuple[str, ...] = ()
    md: bool = False
    numbered: bool = False
    major: bool = False


def _heading_of(b: Block, markdown: bool) -> tuple[str, str] | None:
    """(heading, rest of the paragraph) when the block starts a section, else None."""
    if b.kind != "body":
        return None
    if b.md_level:
        return b.text, ""
    text = b.text
    if b.numbering:
        mark = NUMBERING[b.numbering - 1][1].match(text)
        after = text[mark.end():]
        if not after:
            return None
        stop = after.find("。")
        if stop < 0 and len(text) <= _STANDALONE_MAX[b.numbering] and text[-1] not in _SENTENCE_END:
            return text, ""
        # The heading keeps its 。: it is printed, and a quote or count ending there must find it.
        if 0 < stop <= _INLINE_CLAUSE_MAX[b.numbering] and stop < len(after) - 1:
            return text[: mark.end() + stop + 1], after[stop + 1:].lstrip()
        if stop == len(after) - 1 and len(text) <= _STANDALONE_MAX[b.numbering]:
            return text, ""  # "（三）坚持不懈抓改革激活力。" alone on its line
        return None
    if markdown:
        return None
    if b.title_like or (KNOWN_HEADING.match(text) and text[-1] not in CLOSING):
        return text, ""
    return None


def build_sections(blocks: tuple[Block, ...], markdown: bool, title: str, title_block: int | None) -> tuple[Section, ...]:
    """Split blocks into nested sections. `title_block` is the index of the block used as the report
    title (it is not a heading), or None."""
    opened: list[_Open] = []
    stack: list[_Open] = []
    front = _Open(heading=title, rank=0, line=0)
    major_rank: int | None = None
    for i, b in enumerate(blocks):
        if i == title_block:
            continue
        found = _heading_of(b, markdown)
        if found is None:
            target = stack[-1] if stack else front
            target.paragraphs.append(Paragraph(text=b.text, kind=b.kind, line=b.line))
            continue
        heading, rest = found
        rank = _rank(b, stack)
        major = bool(MAJOR_HEADING.search(heading) and len(heading) <= 30 and not b.numbering)
        if major:
            # 工作回顾 / 工作安排 are siblings however deep the markdown put them.
            rank = major_rank if major_rank is not None else rank
            major_rank = rank
        while stack and (stack[-1].rank >= rank or _numbered_sibling(stack[-1], b)):
            stack.pop()
        sec = _Open(heading=heading, rank=rank, line=b.line, level=len(stack) + 1,
                    path=tuple(s.heading for s in stack) + (heading,), md=bool(b.md_level),
                    numbered=bool(b.numbering), major=major)
        if rest:
            sec.paragraphs.append(Paragraph(text=rest, kind="body", line=b.line))
        stack.append(sec)
        opened.append(sec)
    sections = []
    if front.paragraphs and opened and title == opened[0].heading:
        # No title of its own (004 starts "(上接第一版)" then "二、…"): the lead-in joins the first
        # section rather than making a second section with the same heading.
        opened[0].paragraphs[:0] = front.paragraphs
        front.paragraphs = []
    if front.paragraphs:
        sections.append(Section(id=1, heading=title, level=1, path=(title,), paragraphs=tuple(front.paragraphs)))
    for sec in opened:
        sections.append(Section(id=len(sections) + 1, heading=sec.heading, level=sec.level, path=sec.path,
                                paragraphs=tuple(sec.paragraphs)))
    if not sections and title_block is not None and title:
        # The title was the file's only text (a report of one line): it heads section 1, so the line
        # is searchable, countable and shown like any heading.
        sections.append(Section(id=1, heading=title, level=1, path=(title,), paragraphs=()))
    return tuple(sections)


def _numbered_sibling(top: _Open, b: Block) -> bool:
    """`### 主要预期目标是` then `### (一) …` at the same markdown level: the label is a sibling of the
    numbered heading, not its parent (only a 工作安排-like heading holds the numbered ones)."""
    return bool(b.md_level and b.numbering and top.md and not top.numbered and not top.major
                and top.rank == b.md_level * 10)


def _rank(b: Block, stack: list[_Open]) -> int:
    """Smaller ranks contain larger ones. Markdown levels step by 10; Chinese numbering nests inside
    the markdown heading it appears under (so flat markdown still nests (一) under its parent)."""
    if b.md_level:
        return b.md_level * 10 + b.numbering
    if b.numbering:
        for s in reversed(stack):
            if s.md:
                return s.rank - s.rank % 10 + b.numbering
        return 10 * b.numbering
    return 10
