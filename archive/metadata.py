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

from .cleaning import BYLINE_ROLES, KNOWN_HEADING, Block
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
            if b.md_level == 1 and not _not_title(b.text) and title_text(b.text):
                return title_text(b.text), None  # stays a heading too: it heads its own article
    if len(blocks) == 1 and not _not_title(blocks[0].text) and title_text(blocks[0].text):
        # A report of one line: the line is its title, whole, and (build_sections) its one section's
        # heading — one line of text, searched and counted once, not a title plus a paragraph repeating it.
        return title_text(blocks[0].text), 0
    first = True
    for i, b in enumerate(blocks[:8]):
        if b.kind not in ("body", "caption") or _not_title(b.text) or not title_text(b.text):
            continue
        if b.kind == "caption":
            # A title printed with its subtitle and no blank line between reads as a group of captions
            # (1985年政府工作报告 / 当前的经济形势和经济体制改革): only the head's first line is taken.
            if first and not b.text.endswith("摄") and len(b.text) <= 40:
                return title_text(b.text), (None if markdown else i)
            first = False
            continue
        if b.md_level or b.numbering:
            return title_text(b.text), None
        if b.title_like or (len(b.text) <= 40 and b.text[-1] not in "。，,；;：:"):
            return title_text(b.text), i  # no markdown heading: the line is the title, not also a paragraph
        break
    for b in blocks:
        if (b.md_level or b.numbering or b.title_like) and not _not_title(b.text) and title_text(b.text):
            return title_text(b.text), None
    plain = [title_text(b.text) for b in blocks if not _not_title(b.text) and title_text(b.text)]
    return (plain[0][:40] if plain else ""), None


def printed_title(blocks: tuple[Block, ...], title: str) -> int | None:
    """The head line that prints `title` (a sidecar's), compared as normalized text — a plain line,
    not a markdown or numbered heading — or None: that line is then the title, not also a paragraph
    under it (广东 2018 printed its title as its first line and counted it twice)."""
    from .normalization import normalize_text

    want = normalize_text(title)
    for i, b in enumerate(blocks[:8]):
        if (b.kind in ("body", "caption") and not b.md_level and not b.numbering and want
                and normalize_text(title_text(b.text)) == want):
            return i
    return None


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
    return year_and_source(title, head, text)[0]


def year_and_source(title: str, head: list[str], text: str) -> tuple[int | None, str | None]:
    """(year, where it was read: "party congress", "title", "delivery line", "session", "text").
    The year a report was delivered: a party congress's, the one year its title names, its
    delivery line (among the first lines, `head`), the 全国人民代表大会 session it names (the session
    table, npc_session_year: the 14 resolutions on the work report name only that), or its own plan (`2024年工作安排`) or review
    (`2023年工作回顾` → 2024). Never any other year the text mentions (a footer's, a copyright's)."""
    congress = congress_year(title)
    if congress:
        return congress, "party congress"
    named = session_year(session_of(title))
    if named:
        return named, "session"
    congress = congress_year(" ".join(head))
    if congress:
        return congress, "party congress"
    for line in head:  # before the title's year: a head with no title line of its own is titled by a heading
        m = _DELIVERY.search(line)
        if m:
            digits = "".join(_DIGITS.get(c, c) for c in m.group(1))
            return int(digits), "delivery line"
    years = set(_TITLE_YEAR.findall(title))
    if len(years) == 1:
        return int(years.pop()), "title"
    named = session_year(session_of(title) or session_of(" ".join(head)))
    if named:
        return named, "session"
    m = re.search(r"((?:19|20)\d\d)年(?:政府)?工作安排", text)
    if m:
        return int(m.group(1)), "text"
    m = re.search(r"((?:19|20)\d\d)年(?:政府)?工作回顾", text)
    if m:
        return int(m.group(1)) + 1, "text"
    return None, None


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


# -- the report's head: title, subtitle, speaker, date, occasion, session ------------------------------
_DATELINE = re.compile(r"^(?:新华社|中新社|人民日报|本报).{0,24}电[)）]?$")
_FOOTNOTE = re.compile(r"\[\^[^\]]*\]")
_MARKUP = re.compile(r"</?[A-Za-z][^>]*>|\*\*|__|^#+\s*|^>\s*")
_OFFICE = r"(?:总理|主席|委员长|部长|主任|省长|市长|区长|县长|州长|盟长|旗长|秘书长)"
# An office followed by a name: `国务院总理　赵紫阳`, `国务院副总理兼国家计划委员会主任　李富春`, `市长 谭仲池`.
SPEAKER_LINE = re.compile(rf"^(?P<office>[\u4e00-\u9fff（）()]{{0,30}}?{_OFFICE}(?:[（(]代理?[)）])?)[\s\u3000·]*"
                          rf"(?P<name>[\u4e00-\u9fff]{{2,4}})$")
_CN_NUMBER = "一二三四五六七八九十〇○零"
# `——2024年3月5日在第十四届全国人民代表大会第二次会议上`, `——1955年7月5日至6日在…`, in numerals written out.
DELIVERY_LINE = re.compile(
    rf"^[—－\-─―~～\s]*[（(]?\s*(?P<y>(?:19|20)\d\d|[{_CN_NUMBER}]{{4}})\s*年\s*(?P<m>\d{{1,2}}|[{_CN_NUMBER}]{{1,3}})\s*月"
    rf"\s*(?P<d>\d{{1,2}}|[{_CN_NUMBER}]{{1,3}})\s*日(?:\s*[至到—\-、和]\s*(?:(?:\d{{1,2}}|[{_CN_NUMBER}]{{1,3}})\s*月\s*)?"
    rf"(?:\d{{1,2}}|[{_CN_NUMBER}]{{1,3}})\s*日)?\s*"
    rf"(?:[)）]\s*$|在(?P<occasion>[^。；;]{{2,60}}?(?:会议|大会|会))(?:开幕式|全体会议)?(?:上|(?=[)）]?$)))(?P<rest>.*)$")
_SESSION = re.compile(rf"第?(?P<term>[{_CN_NUMBER}]{{1,3}})届(?P<body>[^第，。]{{0,20}}?人民代表大会)"
                      rf"第?(?P<n>[{_CN_NUMBER}]{{1,3}})次(?:全体)?会议")
_NPC_FIRST = {1: 1954, 2: 1959, 3: 1964, 4: 1975, 5: 1978}
_NPC_TERM2 = {1: 1959, 2: 1960, 3: 1962, 4: 1963}


def npc_session_year(term: int, n: int) -> int | None:
    """The year of the 全国人民代表大会's session `n` of term `term` (届, 次): 一届 1954–1958 one a
    year, 二届 1959, 1960, 1962, 1963, 三届 1964 (Dec 1964 – Jan 1965), 四届 1975, and from 五届 (1978)
    on five sessions a term, one a year."""
    if n < 1:
        return None
    if term == 1 and n <= 5:
        return 1954 + n - 1
    if term == 2:
        return _NPC_TERM2.get(n)
    if term in (3, 4):
        return _NPC_FIRST[term] if n == 1 else None
    if term >= 5 and n <= 5:
        return 1978 + (term - 5) * 5 + n - 1
    return None


def _number(word: str) -> int:
    """A number as a date or a session writes it: `12`, `十二`, `二〇二四` (digit by digit)."""
    if word.isdigit():
        return int(word)
    if "十" in word:
        return _chinese_number(word)
    return int("".join(_DIGITS.get(c, c) for c in word))


def title_text(text: str) -> str:
    """A title as shown: footnote marks (`[^1]`) and markup dropped."""
    return _MARKUP.sub("", _FOOTNOTE.sub("", text)).strip()


def is_dateline(text: str) -> bool:
    return bool(_DATELINE.match(text.strip()))


def delivery(text: str) -> dict | None:
    """{'date' (YYYY-MM-DD), 'occasion', 'rest'} of a delivery line, else None."""
    import unicodedata

    text = re.sub(r"(?<=\d)\s+(?=[\d年月日])", "", unicodedata.normalize("NFKC", text.strip()))  # 1 9 9 8 年3 月
    m = DELIVERY_LINE.match(text)
    if not m:
        return None
    try:
        y, mo, d = _number(m.group("y")), _number(m.group("m")), _number(m.group("d"))
    except ValueError:
        return None
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    rest = re.sub(r"各位代表[：:！!]?$", "", m.group("rest").strip().strip("）)").strip()).strip()  # lines joined
    return {"date": f"{y:04d}-{mo:02d}-{d:02d}", "occasion": m.group("occasion"), "rest": rest}


def is_delivery_line(text: str) -> bool:
    """A line that is only a delivery line (or one with the speaker after it), not a title that
    holds one (`2002年3月26日在拉萨市…会议上的政府工作报告`)."""
    found = delivery(text)
    return bool(found) and (not found["rest"] or bool(speaker(found["rest"])))


def speaker(text: str) -> str | None:
    """`office name` of a speaker line (`国务院总理 赵紫阳`), else None."""
    import unicodedata

    m = SPEAKER_LINE.match(unicodedata.normalize("NFKC", text.strip()).strip())
    return f"{m.group('office')} {m.group('name')}" if m else None


def session_of(text: str) -> str | None:
    """The congress session a text names (`第十四届全国人民代表大会第二次会议`), as printed, else None."""
    m = _SESSION.search(text)
    return m.group(0) if m else None


def session_year(session: str | None) -> int | None:
    """The year of a 全国人民代表大会 session from the session table; None for another congress."""
    m = _SESSION.search(session or "")
    if not m or m.group("body") != "全国人民代表大会":
        return None
    return npc_session_year(_chinese_number(m.group("term")), _chinese_number(m.group("n")))


def _not_title(text: str) -> bool:
    """A head line that is never the title: a dateline, a delivery line, a speaker line, markup."""
    return _markup(text) or is_dateline(text) or is_delivery_line(text) or bool(speaker(text))


_NOTE_MARK = re.compile(r"\[\d{1,2}\]$")


def head_of(blocks: tuple[Block, ...], title: str) -> dict:
    """What a report's head prints beside its title: {'subtitle', 'speaker', 'date', 'occasion',
    'session'} (each None where the head does not say)."""
    out = {"subtitle": None, "speaker": None, "date": None, "occasion": None, "session": None}
    at = next((i for i, b in enumerate(blocks[:8]) if title_text(b.text) == title), None)
    if at is not None and at + 1 < len(blocks):
        b = blocks[at + 1]
        text = title_text(b.text)
        if _NOTE_MARK.sub("", text) == title or "来源" in text:
            text = ""  # the title again with a note mark ([1]), or a source line (2016-03-17 20:13 来源：新华社)
        if (b.kind in ("body", "caption") and not b.numbering and not b.md_level and 2 <= len(text) <= 40
                and text[-1] not in "。，,；;：:！!" and not text.startswith("各位代表") and not title.endswith(text)
                and not KNOWN_HEADING.match(text) and not _not_title(b.text)):  # 写在前面 heads a section
            out["subtitle"] = text
    head = blocks[:12]
    for i, b in enumerate(head):
        text = b.text.strip()
        found = delivery(text)
        if found and out["date"] is None:
            out["date"], out["occasion"] = found["date"], found["occasion"]
            out["session"] = session_of(found["occasion"] or "")
            text = found["rest"]
        if out["speaker"] is None and text and len(text) <= 60:
            out["speaker"] = speaker(text)
            if out["speaker"] is None and i + 1 < len(head) and re.search(rf"{_OFFICE}[\s\u3000]*$", text):
                out["speaker"] = speaker(text.strip() + " " + head[i + 1].text.strip())  # 国务院总理 / 李克强
    return out
