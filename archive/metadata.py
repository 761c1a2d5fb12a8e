"""Report metadata: title, region, year, level, authors — from a sidecar row (sidecar.py) when there
is one, else from the file name when it says, else from the text, guessing as little as it can:
a region only as a whole place name of the shipped gazetteer (`regions.tsv`: provinces, cities and
counties with their levels; it lets a page that only says `辽源` be filed under 辽源市), a year only
from the title, the delivery line (`2024年1月18日在…人民代表大会…`), the report's own plan or review
(`2024年工作安排`, `2023年工作回顾`) or a party congress's number — never from a footer or a copyright
line. Unknown stays unknown (None), which is better than wrong.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from importlib.resources import files

from .cleaning import BYLINE_ROLES, Block
from .charclasses import is_ideograph

MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")
_PREFIX_LEVEL = {
    "国务院": "national", "省级": "provincial", "主要城市": "city", "地市": "city",
    "五年规划": "other", "统计公报": "other", "国务院机构改革": "other", "人大决议": "other",
}
_LEVEL_REGION_YEAR = re.compile(r"^([^_]+)_([^_]+)_((?:19|20)\d\d)(?:[-_].*)?$")
_REGION_YEAR = re.compile(r"^([^_\d]{2,12})_((?:19|20)\d\d)$")
_NATIONAL = re.compile(r"^(?:国务院政府工作报告_((?:19|20)\d\d)|((?:19|20)\d\d)政府工作报告.*)$")
_YEAR_IN_NAME = re.compile(r"((?:19|20)\d\d)")
_CONGRESS_FILE = re.compile(r"^党代会报告_(\d{1,2})_")
_CONGRESS_TEXT = re.compile(r"[（(]([一二三四五六七八九十]{1,3})大[)）]|中国共产党第([一二三四五六七八九十]{1,3})次全国代表大会")
_TITLE_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
_DIGITS = {"〇": "0", "○": "0", "零": "0", "一": "1", "二": "2", "三": "3", "四": "4", "五": "5", "六": "6", "七": "7",
           "八": "8", "九": "9"}
# A delivery line: `——2024年1月18日在吉林省第十四届人民代表大会第二次会议上`, or in numerals written out.
_DELIVERY = re.compile(r"((?:19|20)\d\d|[一二三四五六七八九〇○零]{4})\s*年\s*[\d一二三四五六七八九十]{1,3}\s*月"
                       r"[^。\n]{0,60}?(?:代表大会|会议)")
_BYLINE_ROLE = re.compile(rf"^(?:{BYLINE_ROLES})[\s:：]*")


@cache
def gazetteer() -> dict[str, str]:
    """place name → its level (provincial, city, county)."""
    text = files("archive").joinpath("regions.tsv").read_text(encoding="utf-8")
    rows = (line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#"))
    return {name: level for name, level in rows}


@cache
def _counties_by_suffix() -> dict[str, frozenset[str]]:
    """Each last character (县, 区, 旗, 市 …) → the county-level names ending in it, for a scan that
    looks only where such a character stands. Two-character names (和县, 新县) are left out of text
    counts: they stand inside ordinary words (城乡和县域)."""
    out: dict[str, set[str]] = {}
    for name, level in gazetteer().items():
        if level == "county" and len(name) >= 3:
            out.setdefault(name[-1], set()).add(name)
    return {k: frozenset(v) for k, v in out.items()}


def _short(name: str) -> str:
    for suffix in ("自治州", "地区", "省", "市", "盟", "州"):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


# The five autonomous regions as lists and file names shorten them.
AUTONOMOUS = {"内蒙古": "内蒙古自治区", "广西": "广西壮族自治区", "西藏": "西藏自治区", "宁夏": "宁夏回族自治区",
              "新疆": "新疆维吾尔自治区"}


def canonical_region(name: str) -> str:
    """A region as the gazetteer names it, where a list or a file name shortens it: 宁夏 →
    宁夏回族自治区, 河北 → 河北省, 北京 → 北京市, 通化 → 通化市. A name it cannot complete one way
    stays as it is (吉林: the province or the city)."""
    places = gazetteer()
    if not name or name in places or name == "全国":
        return name
    if name in AUTONOMOUS:
        return AUTONOMOUS[name]
    full = [name + suffix for suffix in ("省", "市") if name + suffix in places]
    return full[0] if len(full) == 1 else name


def level_of_region(region: str, text: str = "") -> str:
    if region == "全国":
        return "national"
    known = gazetteer().get(region)
    if known:
        return known
    if region in MUNICIPALITIES or region.endswith(("省", "自治区")):
        return "provincial"
    if region.endswith(("县", "旗", "区", "自治县")):
        return "county"
    if region.endswith(("市", "州", "盟", "地区")):
        return "city"
    return "other"


def from_filename(stem: str) -> dict:
    """Whatever the file name says: {'level', 'region', 'year'} (some may be missing)."""
    from .sidecar import CONGRESS_YEARS

    m = _CONGRESS_FILE.match(stem)
    if m and int(m.group(1)) in CONGRESS_YEARS:  # 党代会报告_15_…: the 15th party congress
        return {"level": "other", "region": "全国", "year": CONGRESS_YEARS[int(m.group(1))]}
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
        region = canonical_region(m.group(1))
        return {"level": level_of_region(region), "region": region, "year": int(m.group(2))}
    return {}


def _markup(text: str) -> bool:
    """A line that is markup or a quotation, not a title: `</details>`, `<summary>…`, `> 新华社…电`,
    a bare `#`, or a delivery line `——1955年7月5日至6日在…`."""
    t = text.strip()
    return (not t or t[0] in "<>#" or t.startswith(("——", "--")) or bool(re.fullmatch(r"\W*", t)))


def title_of(blocks: tuple[Block, ...], markdown: bool) -> tuple[str, int | None]:
    """(title, index of the block that is only the title) — markdown: the first `#`; else the first
    short stand-alone line before any body text, skipping mastheads, bylines, notes and markup."""
    if markdown:
        for b in blocks:
            if b.md_level == 1 and not _markup(b.text):
                return b.text, None  # stays a heading too: it heads its own article
    for i, b in enumerate(blocks[:8]):
        if b.kind != "body" or _markup(b.text):
            continue
        if b.md_level or b.numbering:
            return b.text, None
        if b.title_like or (len(b.text) <= 40 and b.text[-1] not in "。，,；;"):
            return b.text, (None if markdown else i)
        break
    for b in blocks:
        if (b.md_level or b.numbering or b.title_like) and not _markup(b.text):
            return b.text, None
    plain = [b.text for b in blocks if not _markup(b.text)]
    return (plain[0][:40] if plain else ""), None


def region_of(title_area: list[str], text: str) -> str:
    """A place of the gazetteer, named whole: the first in the title area, else the one the text
    names most often (a province's or city's short name counts: 辽源 for 辽源市)."""
    places = gazetteer()
    for line in title_area:
        named = [(line.find(name), -len(name), name) for name in _names_in(line) if name in places]
        if named:
            return min(named)[2]
    counts: Counter[str] = Counter()
    for name, level in places.items():
        if level != "county":
            n = text.count(_short(name))
            if n:
                counts[name] = n
    counts.update(_counties_in(text))
    if counts:
        # A province name also prefixes its companies and cities (吉林协联, 吉林市): prefer the most
        # frequent place, the longer name on a tie.
        return max(counts.items(), key=lambda kv: (kv[1], len(kv[0])))[0]
    return ""


def _names_in(line: str) -> set[str]:
    """Every gazetteer name standing in `line` (a short line: each suffix position is looked at)."""
    places, found = gazetteer(), set()
    for end in range(2, len(line) + 1):
        for start in range(max(0, end - 12), end - 1):
            if line[start:end] in places:
                found.add(line[start:end])
    return found


def _counties_in(text: str) -> Counter:
    """County-level names in `text` and how often each stands there."""
    by_suffix, counts = _counties_by_suffix(), Counter()
    for suffix, names in by_suffix.items():
        at = text.find(suffix)
        while at >= 0:
            for k in range(2, 8):
                if at - k + 1 >= 0 and text[at - k + 1:at + 1] in names:
                    counts[text[at - k + 1:at + 1]] += 1
            at = text.find(suffix, at + 1)
    return counts


_is_cjk = is_ideograph


def year_of(title: str, head: list[str], text: str) -> int | None:
    """The year a report was delivered: a party congress's, the one year its title names, its
    delivery line (among the first lines, `head`), or its own plan (`2024年工作安排`) or review
    (`2023年工作回顾` → 2024). Never any other year the text mentions (a footer's, a copyright's)."""
    congress = congress_year(title) or congress_year(" ".join(head))
    if congress:
        return congress
    years = set(_TITLE_YEAR.findall(title))
    if len(years) == 1:
        return int(years.pop())
    for line in head:
        m = _DELIVERY.search(line)
        if m:
            digits = "".join(_DIGITS.get(c, c) for c in m.group(1))
            return int(digits)
    m = re.search(r"((?:19|20)\d\d)年(?:政府)?工作安排", text)
    if m:
        return int(m.group(1))
    m = re.search(r"((?:19|20)\d\d)年(?:政府)?工作回顾", text)
    if m:
        return int(m.group(1)) + 1
    return None


def congress_year(text: str) -> int | None:
    """The year of the party congress a text names itself after: `(十二大)`, `中国共产党第九次全国代表大会`."""
    from .sidecar import CONGRESS_YEARS

    m = _CONGRESS_TEXT.search(text)
    if not m:
        return None
    return CONGRESS_YEARS.get(_chinese_number(m.group(1) or m.group(2)))


def _chinese_number(word: str) -> int:
    """一 … 二十九, as congress numbers are written."""
    values = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
    if "十" in word:
        tens, _, ones = word.partition("十")
        return values.get(tens, 1) * 10 + values.get(ones, 0)
    return values.get(word, 0)


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
