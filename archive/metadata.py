"""Report metadata: title, region, year, level, authors — from the file name when it says, else the text.

`regions.txt` lists the provinces and prefecture-level cities that have their own reports (taken from
the file names of the shared corpus): it lets a page that only says `辽源` be filed under 辽源市.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from importlib.resources import files

from .cleaning import BYLINE_ROLES, Block

MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")
_PREFIX_LEVEL = {
    "国务院": "national", "省级": "provincial", "主要城市": "city", "地市": "city",
    "五年规划": "other", "统计公报": "other", "国务院机构改革": "other", "人大决议": "other",
}
_LEVEL_REGION_YEAR = re.compile(r"^([^_]+)_([^_]+)_((?:19|20)\d\d)(?:[-_].*)?$")
_REGION_YEAR = re.compile(r"^([^_\d]{2,12})_((?:19|20)\d\d)$")
_NATIONAL = re.compile(r"^(?:国务院政府工作报告_((?:19|20)\d\d)|((?:19|20)\d\d)政府工作报告.*)$")
_YEAR_IN_NAME = re.compile(r"((?:19|20)\d\d)")
_PLACE = re.compile(r"([\u4e00-\u9fff]{2,3}?)(自治州|自治县|地区|省|市|县|区|旗|盟)")
_COUNTY = re.compile(r"([\u4e00-\u9fff]{2})(县|旗)")
_NOT_PLACE = set("全本我该各此外两五四三六七八九十百千新城园社景辖地省上下市县区州域内")
_BYLINE_ROLE = re.compile(rf"^(?:{BYLINE_ROLES})[\s:：]*")


@cache
def gazetteer() -> tuple[str, ...]:
    text = files("archive").joinpath("regions.txt").read_text(encoding="utf-8")
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def _short(name: str) -> str:
    for suffix in ("自治州", "地区", "省", "市", "盟", "州"):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def level_of_region(region: str, text: str = "") -> str:
    if region == "全国":
        return "national"
    if region in MUNICIPALITIES or region.endswith(("省", "自治区")):
        return "provincial"
    if region.endswith(("县", "旗", "区", "自治县")):
        return "county"
    if region.endswith("市") and region not in gazetteer() and "县级" in text:
        return "county"  # 桦甸市: a county-level city
    if region.endswith(("市", "州", "盟", "地区")):
        return "city"
    return "other"


def from_filename(stem: str) -> dict:
    """Whatever the file name says: {'level', 'region', 'year'} (some may be missing)."""
    m = _LEVEL_REGION_YEAR.match(stem)
    if m and m.group(1) in _PREFIX_LEVEL:
        prefix, region, year = m.groups()
        level = _PREFIX_LEVEL[prefix]
        if prefix == "主要城市" and region in MUNICIPALITIES:
            level = "provincial"
        if prefix == "国务院" or level == "other":
            region = "全国"
        return {"level": level, "region": region, "year": int(year)}
    m = _NATIONAL.match(stem)
    if m:
        return {"level": "national", "region": "全国", "year": int(m.group(1) or m.group(2))}
    prefix = stem.split("_", 1)[0]
    if prefix in _PREFIX_LEVEL:  # 国务院_2024, 五年规划_1953-一五计划
        found = _YEAR_IN_NAME.search(stem)
        out = {"level": _PREFIX_LEVEL[prefix], "region": "全国"}
        if found:
            out["year"] = int(found.group(1))
        return out
    m = _REGION_YEAR.match(stem)
    if m:
        region = m.group(1)
        return {"level": level_of_region(region), "region": region, "year": int(m.group(2))}
    return {}


def title_of(blocks: tuple[Block, ...], markdown: bool) -> tuple[str, int | None]:
    """(title, index of the block that is only the title) — markdown: the first `#`; else the first
    short stand-alone line before any body text, skipping mastheads, bylines and notes."""
    if markdown:
        for b in blocks:
            if b.md_level == 1:
                return b.text, None  # stays a heading too: it heads its own article
    for i, b in enumerate(blocks[:8]):
        if b.kind != "body":
            continue
        if b.md_level or b.numbering:
            return b.text, None
        if b.title_like or (len(b.text) <= 40 and b.text[-1] not in "。，,；;"):
            return b.text, (None if markdown else i)
        break
    for b in blocks:
        if b.md_level or b.numbering or b.title_like:
            return b.text, None
    return (blocks[0].text[:40] if blocks else ""), None


def region_of(title_area: list[str], text: str) -> str:
    for line in title_area:
        for m in _PLACE.finditer(line):
            name = m.group(0)
            starts_clean = m.start() == 0 or not _is_cjk(line[m.start() - 1])
            if m.group(1)[0] not in _NOT_PLACE and (name in gazetteer() or starts_clean):
                return name
    counts: Counter[str] = Counter()
    for name in gazetteer():
        n = text.count(_short(name))
        if n:
            counts[name] = n
    for m in _COUNTY.finditer(text):
        if m.group(1)[0] not in _NOT_PLACE:
            counts[m.group(0)] = max(counts[m.group(0)], text.count(m.group(1)))
    if counts:
        # A province name also prefixes its companies and cities (吉林协联, 吉林市): prefer the most
        # frequent place that is not only a prefix of another counted place.
        best = max(counts.items(), key=lambda kv: (kv[1], len(kv[0])))
        return best[0]
    return ""


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def year_of(text: str) -> int | None:
    m = re.search(r"((?:19|20)\d\d)年(?:政府)?工作安排", text)
    if m:
        return int(m.group(1))
    m = re.search(r"((?:19|20)\d\d)年(?:政府)?工作回顾", text)
    if m:
        return int(m.group(1)) + 1
    years = [int(y) for y in re.findall(r"(?<!\d)((?:19[5-9]|20[0-4])\d)年", text)]
    return max(years) if years else None


def authors_of(blocks: tuple[Block, ...]) -> tuple[str, ...]:
    names: list[str] = []
    for b in blocks:
        if b.kind != "byline":
            continue
        rest = _BYLINE_ROLE.sub("", b.text)
        for part in re.split(r"[\s　、,，:：]+|编辑|主编|撰稿", rest):
            if 2 <= len(part) <= 4 and all(_is_cjk(c) for c in part) and part not in names:
                names.append(part)
    return tuple(names)
