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
# Chinese typesetting never starts a line with a closing bracket or quote, nor ends one with an opening
# one: a line that does is a break inside a phrase (Wikisource's links: 毛主席写了《\n人的正确思想是从那里来的？\n》这篇).
_NEVER_STARTS = set("》」』）〉】〕”’")
_NEVER_ENDS = set("《「『（〈【〔“‘")
TITLE_MAX = 80  # a first line this long or shorter, set apart, is a title, never half of a paragraph
_INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff]")  # a line of only these is blank (设定\n\u200b\n为6%以上)

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
KNOWN_HEADING = re.compile(r"^(写在前面|前言|引言|结束语|结语|.{0,12}工作回顾|.{0,12}工作安排|主要预期目标.{0,10})$")
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
    after_invisible: bool = False  # the lines between it and the block before held only zero-width characters


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
    markdown, blocks = printed_blocks(text)
    blocks, dropped = drop_repeats(blocks)  # as printed: a repeat is dropped before any joining
    blocks = _join_broken(blocks)
    return Cleaned(tuple(blocks), markdown, len(dropped))


def printed_blocks(text: str) -> tuple[bool, list[Block]]:
    """(markdown?, the blocks as printed, classified, before repeats are dropped or lines joined)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    markdown = any(_MD_HEADING.match(ln) for ln in lines)
    raw: list[dict] = []
    blanks = invisible = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip() or not _INVISIBLE.sub("", line).strip():
            blanks += 1
            invisible += bool(line.strip())
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
                        blank_before=blanks if raw else max(blanks, 1), blank_after=1,
                        after_invisible=bool(blanks) and invisible == blanks))
        blanks = invisible = 0
    blocks = [_block(r) for r in raw]
    return markdown, _mark_caption_groups(blocks)


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
                 blank_before=r["blank_before"], blank_after=r["blank_after"], after_invisible=r["after_invisible"])


def _cut_at_a_bracket(prev: Block, nxt: Block) -> bool:
    """A line broken inside a bracket or a quotation (Wikisource's links): the next line closes what
    this one opened — a closing bracket always; a closing quote only when this line left a quote open
    (a wrongly turned ”九五” starts a paragraph of its own) — or this line ends with an opening mark,
    and the next is no numbered heading (a stray （ before （二）)."""
    if prev.kind not in ("body", "caption") or nxt.kind not in ("body", "caption") or prev.md_level or nxt.md_level:
        return False
    if prev.text[-1] in _NEVER_ENDS:
        return not nxt.numbering
    if nxt.text[0] in "”’":
        return prev.text.count("“") + prev.text.count("‘") > prev.text.count("”") + prev.text.count("’")
    return nxt.text[0] in _NEVER_STARTS


def _joinable(prev: Block, nxt: Block) -> bool:
    """A body paragraph cut mid-sentence continues in the next one, unless that one is a heading."""
    if _cut_at_a_bracket(prev, nxt):
        return True
    if prev.kind != "body" or nxt.kind != "body" or prev.md_level or nxt.md_level:
        return False
    if nxt.after_invisible and prev.text[-1] not in CLOSING and not prev.numbering:
        return True  # cut by a line of zero-width spaces (a transcription's stray mark), never a blank line
    if prev.title_like or nxt.text.startswith("—"):
        return False
    if prev.list_item or nxt.list_item or prev.numbering and len(prev.text) <= 40:
        return False
    if prev.text[-1] in CLOSING or len(prev.text) < 20:
        return False
    if nxt.numbering or nxt.title_like or KNOWN_HEADING.match(nxt.text) or nxt.text[0] in "|#":
        return False
    return True


def _heads_the_file(out: list[Block]) -> bool:
    """The file's first line set apart by a blank line, 80 characters at most: its title, never the
    start of a sentence cut at a line end (第十二届全国人民代表大会第三次会议关于政府工作报告的决议 was
    joined to the paragraph under it, 2018年1月25日广东省省长马兴瑞在…上作政府工作报告 to 政府工作报告)."""
    return len(out) == 1 and out[0].blank_after >= 1 and len(out[0].text) <= TITLE_MAX


def _join_broken(blocks: list[Block]) -> list[Block]:
    out: list[Block] = []
    for b in blocks:
        if out and not _heads_the_file(out) and _joinable(out[-1], b):
            prev = out[-1]
            sep = " " if prev.text[-1].isascii() and prev.text[-1].isalnum() and b.text[0].isascii() and b.text[0].isalnum() else ""
            text = prev.text + sep + b.text
            # a lone （ joined to 三）改革开放… is the numbered heading （三）… (and body text, not a caption)
            numbering = numbering_of(text) if len(prev.text) == 1 else prev.numbering
            out[-1] = replace(prev, text=text, blank_after=b.blank_after, title_like=False, kind="body",
                              numbering=numbering)
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
            and not _INNER_PUNCT.search(b.text) and b.text[-1] not in CLOSING and not KNOWN_HEADING.match(b.text))


def _repeatable(b: Block) -> bool:
    """A line that may be dropped as a repeat: a body line of 20+ characters that is no table row (a
    short line, a heading, a caption or a table's row repeats for its own reasons: 一、, 附件, a photo
    credit, `其中：住宅 |`)."""
    return (b.kind == "body" and not b.md_level and len(b.text) >= 20
            and not b.text.startswith("|") and not b.text.endswith("|"))


def drop_repeats(blocks: list[Block]) -> tuple[list[Block], list[tuple[str, Block]]]:
    """(the blocks kept, the repeats dropped with why). A line is dropped only where it is printed
    again as part of a repeat, never for merely standing somewhere earlier too (wikisource's 2006
    report names 《国民经济和社会发展第十一个五年规划纲要（草案）》 twice, on lines of their own):

    - "next to itself": the same paragraph printed again at once, or with one paragraph between (a
      newspaper page's column printed twice around a heading), or three when it is 50+ characters
      long (a whole paragraph, not a name on a line of its own);
    - "repeated block": lines printed again in the same order (a report or a passage printed twice,
      a page's header and footer printed again together): three or more, or two right after their
      first printing (or one line after).

    A line printed again alone, away from its first printing, stays: in this corpus such lines are
    real text (a task table's `责任单位：…` under every task, a list of agencies named again).
    """
    texts = [b.text for b in blocks]
    where: dict[str, list[int]] = {}
    for i, t in enumerate(texts):
        where.setdefault(t, []).append(i)
    why: dict[int, str] = {}
    kept_lines: list[int] = []  # the repeatable lines kept so far
    i = 0
    while i < len(blocks):
        b = blocks[i]
        if not _repeatable(b):
            i += 1
            continue
        run = _run_at(texts, where, i)
        if run:
            dropped = [k for k in range(i, i + run) if _repeatable(blocks[k])]
            for k in dropped:
                why[k] = "repeated block"
            i += run
            continue
        near = 2 if len(b.text) < 50 else 4  # a name on a line of its own may well be named again soon
        if any(k >= i - near and blocks[k].text == b.text for k in kept_lines[-near:]):
            why[i] = "next to itself"
            i += 1
            continue
        kept_lines.append(i)
        i += 1
    kept = [b for i, b in enumerate(blocks) if i not in why]
    return kept, [(why[i], blocks[i]) for i in sorted(why)]


def _long(text: str) -> bool:
    return len(text) >= 20 and not text.startswith("|") and not text.endswith("|")


def _run_at(texts: list[str], where: dict[str, list[int]], i: int) -> int:
    """The length of the longest run of lines starting at `i` printed before in the same order (ending
    before `i`), when it holds three lines or more of 20+ characters, or two right after their first
    printing (or one line after); else 0. (Two lines printed again far away are a quotation: the 2018 reform plan's
    explanation names two of the plan's sentences again.)"""
    best = 0
    for j in where[texts[i]]:
        if j >= i:
            break
        n = 0
        while j + n < i and i + n < len(texts) and texts[j + n] == texts[i + n]:
            n += 1
        long_lines = sum(_long(t) for t in texts[i:i + n])
        if n > best and long_lines >= 2 and (i - (j + n) <= 1 or long_lines >= 3):
            best = n
    return best
