"""Cleaning: raw text → classified blocks (paragraph candidates and heading candidates).

A pure function of the text. It repairs what OCR and markup broke — CJK–CJK gaps, paragraphs broken
across blank lines, markdown markup, paragraphs printed twice — and never rewrites or reorders words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .charclasses import CJK_TEXT

# Ideographs, CJK punctuation and full-width forms: the characters between which a space is OCR noise.
_CJK = CJK_TEXT
_CJK_GAP = re.compile(rf"(?<=[{_CJK}])[ \t\u3000\u00a0]+(?=[{_CJK}])")
_LETTER_SPACED = re.compile(rf"^[{_CJK}](?:[ \u3000]+[{_CJK}]){{2,}}$")
CLOSING = set("。！？；：…”』」）)】〕.!?;:|》")

_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_LIST = re.compile(r"^\s*(?:[-*+]\s+|\d+\)\s+)?(?:[▶►■●◆▲□○◇·•]\s*)?")
_MD_QUOTE = re.compile(r"^\s*>\s?")
_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_MD_EMPHASIS = re.compile(r"\*\*|__")

# Chinese heading numbering in GB/T 9704 order: 一、 > （一） > 1. > （1）
_CN = "一二三四五六七八九十百零〇"
NUMBERING = (
    (1, re.compile(rf"^[{_CN}]+[、．.]\s*")),
    (2, re.compile(rf"^[（(][{_CN}]+[)）]\s*")),
    (3, re.compile(r"^\d{1,2}[.．、](?![\d.．])\s*")),
    (4, re.compile(r"^[（(]\d{1,2}[)）]\s*")),
)
_KNOWN_HEADING = re.compile(r"^(写在前面|前言|引言|结束语|结语|.{0,12}工作回顾|.{0,12}工作安排|主要预期目标.{0,10})$")
MAJOR_HEADING = re.compile(r"(工作回顾|工作安排)$")

_NOTE = re.compile(
    r"^[（(](?:(?:上|下)?接第?.{1,3}版|转第?.{1,3}版|.{0,12}(?:社|报).{0,24}电|来源[:：].*|记者.{0,20}报道)[)）]$"
)
BYLINE_ROLES = ("本报记者|本报通讯员|本报特约记者|特约记者|通讯员|记者|本版撰稿|本版编辑|责任编辑|编辑|本刊主编|主编|"
                "本版图解制作|图解制作|制图|撰稿")
_BYLINE = re.compile(rf"^(?:{BYLINE_ROLES}|文/|图/|文图)[\s:：/]*\S")
_SPEAKER = re.compile(r"^(?:代?(?:市|省|区|县|州|盟|旗)长|主席|总理|副总理|自治区主席)[\s\u3000]+\S{2,5}$")
_CAPTION_PHOTO = re.compile(r"(?:^|[。\s])\s*(?:本报记者\s*)?[\u4e00-\u9fff]{2,4}(?:\s+[\u4e00-\u9fff]{2,4})*\s*摄(?:影)?$")
_CAPTION_FILE = re.compile(r"[（(](?:本版)?图片(?:为|由).{0,12}[)）]$|资料图片[)）]?$")
_INNER_PUNCT = re.compile(r"[，,、；;：:！？!?]")


@dataclass(frozen=True)
class Block:
    """A paragraph candidate with what cleaning learned about it."""

    text: str
    line: int  # 1-based source line where it starts
    kind: str = "body"  # body | caption | byline | note
    md_level: int = 0  # 1..6 for a markdown heading, else 0
    numbering: int = 0  # 1..4 when it starts with Chinese numbering, else 0
    title_like: bool = False  # short, stand-alone, no closing punctuation
    list_item: bool = False
    blank_before: int = 0
    blank_after: int = 0


@dataclass(frozen=True)
class Cleaned:
    blocks: tuple[Block, ...]
    markdown: bool
    duplicates_dropped: int


def strip_markup(line: str) -> tuple[str, bool]:
    """Drop markdown list markers, quote markers, emphasis and link syntax; keep the words."""
    stripped = _MD_QUOTE.sub("", line)
    m = _MD_LIST.match(stripped)
    is_item = bool(m and m.group(0).strip())
    if is_item:
        stripped = stripped[m.end():]
    stripped = _MD_IMAGE.sub(r"\1", stripped)
    stripped = _MD_LINK.sub(r"\1", stripped)
    stripped = _MD_EMPHASIS.sub("", stripped)
    return stripped, is_item


def close_cjk_gaps(text: str) -> str:
    return _CJK_GAP.sub("", text)


def numbering_of(text: str) -> int:
    for rank, rx in NUMBERING:
        if rx.match(text):
            return rank
    return 0


def classify(text: str, blank_before: int) -> str:
    """body | caption | byline | note — for a paragraph as printed."""
    if _NOTE.match(text):
        return "note"
    if len(text) <= 60 and (_BYLINE.match(text) or _SPEAKER.match(text)):
        return "byline"
    if _CAPTION_FILE.search(text) or (len(text) <= 120 and _CAPTION_PHOTO.search(text)):
        return "caption"
    # A short one-sentence noun phrase set apart by extra blank lines: a photo caption.
    if (
        blank_before >= 2
        and len(text) <= 25
        and text.endswith("。")
        and text.count("。") == 1
        and not _INNER_PUNCT.search(text)
    ):
        return "caption"
    return "body"


def clean(text: str) -> Cleaned:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    markdown = any(_MD_HEADING.match(ln) for ln in lines)
    raw: list[dict] = []
    blanks = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            blanks += 1
            continue
        md = _MD_HEADING.match(line) if markdown else None
        item = False
        if md:
            body, md_level = _MD_EMPHASIS.sub("", md.group(2)), len(md.group(1))
        else:
            body, item = strip_markup(line) if markdown else (line, False)
            md_level = 0
        body = body.strip()
        if not body:
            blanks += 1
            continue
        if raw:
            raw[-1]["blank_after"] = blanks
        raw.append(dict(text=body, line=number, md_level=md_level, list_item=item,
                        blank_before=blanks if raw else max(blanks, 1), blank_after=1))
        blanks = 0
    blocks = [_block(r) for r in raw]
    blocks = _mark_caption_groups(blocks)
    blocks, dropped = _drop_repeats(blocks)  # as printed: a repeat is dropped before any joining
    blocks = _join_broken(blocks)
    return Cleaned(tuple(blocks), markdown, dropped)


def _block(r: dict) -> Block:
    text = r["text"]
    kind = "body" if r["md_level"] else classify(text, r["blank_before"])
    if _LETTER_SPACED.match(text):  # 政 府 工 作 报 告
        text = re.sub(r"[ \u3000]+", "", text)
    title_like = (
        kind == "body"
        and not r["list_item"]
        and 2 <= len(text) <= 24
        and text[-1] not in CLOSING
        and text[-1] not in "是的被和与及"
        and not text.startswith(("——", "—", "-"))
        and "。" not in text
        and not _INNER_PUNCT.search(text)
        and r["blank_before"] >= 1
        and r["blank_after"] >= 1
    )
    if kind == "body" and not r["md_level"] and not title_like:
        # A title's space separates two phrases (稳中有进 经济发展势头强劲); in body text it is OCR noise.
        text = close_cjk_gaps(text)
    numbering = numbering_of(text) if kind == "body" else 0
    return Block(text=text, line=r["line"], kind=kind, md_level=r["md_level"], numbering=numbering,
                 title_like=title_like, list_item=r["list_item"],
                 blank_before=r["blank_before"], blank_after=r["blank_after"])


def _joinable(prev: Block, nxt: Block) -> bool:
    """A body paragraph cut mid-sentence continues in the next one, unless that one is a heading."""
    if prev.kind != "body" or nxt.kind != "body" or prev.md_level or nxt.md_level:
        return False
    if prev.title_like or nxt.text.startswith("—"):
        return False
    if prev.list_item or nxt.list_item or prev.numbering and len(prev.text) <= 40:
        return False
    if prev.text[-1] in CLOSING or len(prev.text) < 20:
        return False
    if nxt.numbering or nxt.title_like or _KNOWN_HEADING.match(nxt.text) or nxt.text[0] in "|#":
        return False
    return True


def _join_broken(blocks: list[Block]) -> list[Block]:
    out: list[Block] = []
    for b in blocks:
        if out and _joinable(out[-1], b):
            prev = out[-1]
            sep = " " if prev.text[-1].isascii() and prev.text[-1].isalnum() and b.text[0].isascii() and b.text[0].isalnum() else ""
            out[-1] = replace(prev, text=prev.text + sep + b.text, blank_after=b.blank_after, title_like=False)
        else:
            out.append(b)
    return out


def _mark_caption_groups(blocks: list[Block]) -> list[Block]:
    """Two or more consecutive short lines with no punctuation and no blank line between them are a
    group of photo captions (or page chrome), not titles and not body text."""
    out = list(blocks)
    i = 0
    while i < len(out):
        j = i
        while j < len(out) and _bare_short(out[j]) and (j == i or out[j].blank_before == 0):
            j += 1
        if j - i >= 2:
            for k in range(i, j):
                out[k] = replace(out[k], kind="caption", title_like=False, numbering=0)
        i = max(j, i + 1)
    return out


def _bare_short(b: Block) -> bool:
    return (b.kind == "body" and not b.md_level and not b.list_item and not b.numbering and len(b.text) <= 20
            and not _INNER_PUNCT.search(b.text) and b.text[-1] not in CLOSING and not _KNOWN_HEADING.match(b.text))


def _drop_repeats(blocks: list[Block]) -> tuple[list[Block], int]:
    seen: set[str] = set()
    out: list[Block] = []
    dropped = 0
    for b in blocks:
        if b.kind == "body" and not b.md_level and len(b.text) >= 20:
            if b.text in seen:
                dropped += 1
                continue
            seen.add(b.text)
        out.append(b)
    return out, dropped
