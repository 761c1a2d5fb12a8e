"""The targets a report sets for its year (主要预期目标): indicator, value as written and parsed,
modifier, and where the passage stands.

A report states them in one passage (`今年发展主要预期目标是：国内生产总值增长5%左右；…`) and cites
last year's achieved figures elsewhere (`国内生产总值增长5.2%`): only a passage that announces targets
is read — a paragraph with a cue (`预期目标是`, `主要目标：`, `指标初步安排为` …) not about a five-year plan,
read from the cue on; failing that, a paragraph about this year (`今年`) that states two or more
figures with a target's modifier (`左右`, `以上`, `以内`). `没有提出全年经济增速具体目标` is a GDP target
`not_set`. A report that never names an indicator (no word of CUES) is told apart by `unnamed`
(status `no_cue` in index.targettable). Figures in Chinese numerals and full-width digits are read (archive.numerals).

Modifiers: `左右` or a bare value → low = high = the value; `以上`, `不低于` → low only; `以内`, `以下`,
`控制在`, `不超过`, `低于` → high only (`左右` wins where `控制在…左右`); a range (`6%—6.5%`) → both ends; a
`力争` figure is a row of its own."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .numerals import as_digits, parse_int

# indicator → how reports word it (a regular expression, matched where the wording starts).
LEXICON = {
    # 生产总值（GDP）增长9%, 生产总值9000亿元，增长12.5%, 生产总值预期增长12%, 生产总值增12%
    # 国民生产总值305.9-308.7亿元，增长8-9%; 国内生产总值157亿元（当年价），比1992年增长16%; 国内生产总值2008亿元，
    # 按可比价格增长9%; 2008年力争生产总值增长10%以上; 全市生产总值要力保增长12%; a plan's 年均增长…，其中今年
    # 达到870亿元，增长8% (甘肃 1998: this year's, inside the plan's sentence)
    "gdp": r"(?<![单人万元])(?:力争)?(?:国内|地区|全省|全区|全市)?生产总值\s*(?:[（(]GDP[）)])?"
           r"(?:(?:达到|突破|超过)[^，；。]{1,12}[，,、]|(?:实现)?\s*[\d.]+(?:\s*[-—–~至]\s*[\d.]+)?\s*亿元\s*(?:[（(][^）)]{1,8}[）)])?[，,、]?)?"
           r"\s*(?:比上年|比(?:19|20)\d\d年|计划|力争|预期|要力保|力保|要)?\s*(?:同比|可比|按可比价格(?:计算)?[，,]?)?按?(?:增长|增速|增(?=\s*\d))"
           r"|生产总值年均增长[^；。]{0,20}?其中今年(?:达到[^，；。]{1,12}[，,、])?增长"
           r"|GDP增长"
           r"|(?<![与和均])经济增长(?:速度)?(?:的)?(?:宏观)?(?:调控|预期)?(?:目标)?[，,]?(?:定为|为|是|要达到|达到)?(?=\s*\d)",
    "cpi": r"(?<!商品)(?:居民)?消费价格(?:总水平)?(?:涨幅|上涨幅度|上涨|指数)?|CPI(?:涨幅)?",
    "urban_jobs": r"城镇新增就业(?:人数|岗位)?|新增城镇就业(?:人数)?",
    "unemployment_surveyed": r"城镇调查失业率",
    "unemployment_registered": r"城镇登记失业率",
    # 赤字率从去年的2.1%提高到2.3%: the figure after 提高到; 赤字占国内生产总值比重在3%以内 (2009)
    "deficit_ratio": r"赤字率(?:从[^，。；]{0,12}?(?=提高到|下降到))?(?:拟按|下降到|提高到|稳定在|控制在|按|在|为)?"
                     r"|赤字[^。；]{0,16}?占国内生产总值(?:的)?比重",
    "grain_output": r"粮食(?:总)?产量",
    # 零售物价/商品零售价格 — the price index of the 1990s plans, never the CPI; an unnamed 物价上涨幅度 too
    "retail_prices": r"(?:商品)?零售(?:物价|价格)(?:总水平)?(?:上涨幅度|涨幅|上涨)?|(?<![居民消费])物价上涨幅度",
}
_NUM = r"\d+(?:\.\d+)?"
_VALUE = re.compile(
    rf"(?P<pre>不低于|不超过|控制在|保持在|稳定在|低于|高于|达到|拟按|为|在)?\s*"
    rf"(?P<low>{_NUM})\s*(?P<unit1>%|万亿斤|亿斤|亿公斤|万吨|亿吨|万人|万)?\s*(?:(?P<dash>[—\-–~～至到])\s*(?:(?P<high>{_NUM})|(?P<highcn>[一二三四五六七八九十]+))\s*)?"
    rf"(?P<unit>%|万亿斤|亿斤|亿公斤|万吨|亿吨|万人|万)?(?P<post>左右|以上|以内|以下)?")
_STRETCH = re.compile(rf"力争(?:增长|达到|实现)?\s*(?P<value>{_NUM})\s*(?P<unit>%|万人)")
_CUE = re.compile(r"(?:主要)?(?:预期)?(?:目标|指标)(?:初步安排|安排|建议|确定|定)?(?:是|为|：|:)|预期目标[:：]")
_FIVE_YEAR = re.compile(r"十[一二三四五]五|五年|年均|时期|到20\d\d年|今后|纲要")
_NOT_SET = re.compile(r"没有提出[^。；]{0,12}(?:经济增速|经济增长|增长|增速)[^。；]{0,6}目标")
_REVIEW = re.compile(r"完成了|超额完成|实现了|比上年|上年")
_THIS_YEAR = re.compile(r"今年|本年|(?:19|20)\d\d年(?:经济社会|国民经济|全省|全区|全市)")
_YEAR_OPENS = re.compile(r"(?:(?:19|20)\d\d|今)年是")
_MODIFIED = re.compile(rf"{_NUM}\s*(?:%|万人|亿斤)\s*(?:左右|以上|以内)")


@dataclass(frozen=True)
class Target:
    indicator: str
    text: str  # as written: 6%—6.5%, 1200万人以上
    low: float | None
    high: float | None
    unit: str
    modifier: str  # 左右, 以上, 以内, 以下, 不低于, 控制在, range, 力争, not_set, or "" (a bare value)
    line: int  # which of the lines given it stands in
    start: int  # where in that line (display offsets)
    end: int

    @property
    def not_set(self) -> bool:
        return self.modifier == "not_set"

    @property
    def status(self) -> str:
        """value, not_set (the report says it sets none) or qualitative (a target with no figure)."""
        return self.modifier if self.modifier in ("not_set", "qualitative") else "value"


class _Fold(dict):
    """character → its NFKC form where that is one character (１ → 1, ％ → %), worked out once each."""

    def __missing__(self, c: int) -> int:
        f = unicodedata.normalize("NFKC", chr(c))
        self[c] = ord(f) if len(f) == 1 else c
        return self[c]


_FOLD = _Fold()


def _folded(text: str) -> str:
    """Full-width digits and signs as ASCII, one character for one (offsets hold)."""
    return text if text.isascii() else text.translate(_FOLD)


def targets_of(lines: list[str]) -> list[Target]:
    """The targets of the report whose lines (headings and paragraphs, in order) are `lines`."""
    joined, starts = _sentences(lines)
    found: dict[str, list[Target]] = {}
    worded: dict[str, Target] = {}  # qualitative targets: kept only if no later passage gives a figure
    for k in _passages(joined):
        for t in _read(joined[k], k):
            if t.status == "qualitative":
                worded.setdefault(t.indicator, _in_lines(t, starts[k], lines))
            else:
                found.setdefault(t.indicator, []).append(_in_lines(t, starts[k], lines))
        if found:
            break
    for indicator, t in worded.items():
        found.setdefault(indicator, [t])
    for t in _this_years_sentences(joined, set(found)):  # the fiscal paragraph's 赤字率, a 1990s plan's figures
        found.setdefault(t.indicator, []).append(_in_lines(t, starts[t.line], lines))
    out = [t for ts in found.values() for t in ts]
    if "gdp" not in found:
        for k, line in enumerate(lines):
            m = _NOT_SET.search(line) if "没有提出" in line else None
            if m:
                out.append(Target("gdp", m.group(0), None, None, "%", "not_set", k, m.start(), m.end()))
                break
    return out


# A sentence a file breaks over lines, or whose 主要预期目标 the archive made a heading (广东 2026:
# `今年经济社会发展的⏎主要预期目标⏎是：地区生产总值增长4.5%—5%…`): read as one line.
_BROKEN_END = tuple("的是为和及与、，,")  # a line ending so goes on in the next
_CUE_HEADING = re.compile(r"(?:主要)?(?:预期)?(?:目标|指标)")
_GOES_ON = re.compile(r"[是为]?[：:]")
_ITEM = re.compile(r"——?|[一二三四五六七八九十]是")  # an item of a list of targets (广西 2007 writes one dash: —保持…)


def _sentences(lines: list[str]) -> tuple[list[str], list[list[tuple[int, int]]]]:
    """`lines` with a sentence broken over lines joined; for each joined line, the (offset in it,
    index in `lines`) of the lines it is made of."""
    joined: list[str] = []
    starts: list[list[tuple[int, int]]] = []
    listing = False  # inside the items (——…, 一是…) of a line ending 目标是：
    for k, line in enumerate(lines):
        listing = listing and bool(_ITEM.match(line))
        last = lines[k - 1][-1:] if k else ""  # cheap looks first: this runs on every line of every report
        if joined and (last in _BROKEN_END or listing or (len(line) <= 6 and _CUE_HEADING.fullmatch(line))
                       or (line[:1] in "是为：:" and _GOES_ON.match(line) and _CUE_HEADING.search(lines[k - 1][-6:]))
                       or (last in "：:" and _ITEM.match(line) and _CUE.search(lines[k - 1][-10:]))):
            listing = listing or bool(_ITEM.match(line))
            starts[-1].append((len(joined[-1]), k))
            joined[-1] += line
        else:
            joined.append(line)
            starts.append([(0, k)])
    return joined, starts


def _in_lines(t: Target, starts: list[tuple[int, int]], lines: list[str]) -> Target:
    """A target read in a joined line, placed in the line of `lines` where it starts."""
    offset, k = next((o, k) for o, k in reversed(starts) if o <= t.start)
    if (offset, k) == (0, starts[0][1]) and len(starts) == 1:
        return t if t.line == k else Target(**{**t.__dict__, "line": k})
    return Target(**{**t.__dict__, "line": k, "start": t.start - offset, "end": min(t.end - offset, len(lines[k]))})


def _passages(lines: list[str]):
    """The lines that may state the year's targets, best first: those with a cue, then (looked for
    only when no cued line states one) those about this year with two or more figures a target's
    modifier follows."""
    for k, line in enumerate(lines):
        if "目标" not in line and "指标" not in line:
            continue
        m = _CUE.search(line)
        plan_seen = False  # a later cue in a plan's paragraph is this year's only if its sentence says so
        while m is not None:
            before, after = line[max(0, m.start() - 120):m.start()], line[m.end():m.end() + 20]
            if _ITEM.match(after.lstrip("：: ")) and _FIVE_YEAR.search(line[m.end():]):
                break  # a list of items (——…) that speaks of 年均, 五年, 到2015年: a plan's, and so is the rest
            before = re.split(r"[。；;！]", before)[-1]  # the cue's own sentence
            plan = list(_FIVE_YEAR.finditer(before))
            # a plan period named before the cue is its subject, unless this year follows it
            # (对接“十四五”规划，提出今年…目标是; 按照“十一五”规划…，初步安排2009年…主要预期目标是;
            # 是实施“十四五”规划承上启下的关键一年，…主要预期目标为)
            of_plan = bool(plan) and not re.search(r"今年|本年|(?:19|20)\d\d年|之年|一年", before[plan[-1].end():]) \
                or plan_seen and not re.search(r"今年|本年|(?:19|20)\d\d年", before)
            plan_seen = plan_seen or of_plan or bool(_FIVE_YEAR.search(after))
            # …and 主要经济指标为1997年以来最好水平 is a review
            if not of_plan and not _FIVE_YEAR.search(after) and not _REVIEW.search(before[-8:]) and "以来" not in after:
                yield k
                break
            m = _CUE.search(line, m.end())
    for k, line in enumerate(lines):
        # about this year: it says so, or the paragraph before opens with it (2013年是…; then 确保生产总值增长11%以上；…)
        this_year = _THIS_YEAR.search(line) or k and _YEAR_OPENS.match(lines[k - 1])
        # a plan period named in an opening that says this year is its first (今年是…“十二五”时期开局之年。) is no plan's paragraph
        head = line.split("。", 1)[-1][:60] if _YEAR_OPENS.match(line) else line[:60]
        if ("左右" in line or "以上" in line or "以内" in line) and this_year and \
                len(_MODIFIED.findall(_folded(line))) >= 2 and not _FIVE_YEAR.search(head):
            yield k


def _read(line: str, k: int, qualitative: bool = True, from_cue: bool = True) -> list[Target]:
    """The indicators stated in one passage line, from its cue on (a review before it is skipped)."""
    cue = _CUE.search(line) if from_cue else None
    start = cue.start() if cue else 0
    folded = _folded(line)
    digits, back, _ = as_digits(folded)
    out = _shared(digits, back, line, k, start)
    taken = {t.indicator for t in out}
    for indicator, wording in LEXICON.items():
        for m in re.finditer(wording, digits):
            # a wording that runs into the cue is the passage's (全省经济增长预期目标为9%以上)
            if back[m.end() - 1] < start or indicator in taken:
                continue
            v = _VALUE.match(digits, m.end())
            gap = re.match(r"[^，,；;。\d]{0,8}", digits[m.end():])  # 指数涨幅, 全年控制在: words before the figure
            if v is None or not v.group("low"):
                v = _VALUE.match(digits, m.end() + len(gap.group(0))) if gap else None
                if v is None or not v.group("low"):
                    continue
            target = _target(indicator, v, digits, back, line, k)
            if target is None:
                continue
            out.append(target)
            taken.add(indicator)
            s = _STRETCH.match(digits, v.end() + len(re.match(r"[，,\s]*", digits[v.end():]).group(0)))
            # 力争: a stretch figure of its own, right after the target (增长5%左右，力争5.5%) — not one of
            # another indicator later in the clause (产业投资占比力争达到60%)
            if s:
                value = float(s.group("value"))
                a, b = back[s.start("value")], back[s.end() - 1] + 1
                out.append(Target(indicator, line[a:b], value, value, s.group("unit"), "力争", k, a, b))
    return out + _qualitative(digits, back, line, k, start, taken, relative_only=not qualitative)


# This year's figure stated outside the targets passage: in the fiscal paragraph (`今年赤字率拟按3%安排`),
# the agriculture paragraph (`今年粮食产量要稳定在5.5亿吨以上`), or a 1990s report's plan sentences
# (`国家计划要求今年的国民生产总值比上年增长百分之五`). Read only in a sentence that says it is this year's
# (今年, 计划要求, 拟按 …) and names no other year, plan period or review before the indicator.
_THIS_YEARS = re.compile(r"今年|本年|计划要求|计划安排|初步安排|拟按|拟安排|(?:19|20)\d\d年力争|力保")  # 2008年力争…, 要力保增长12%
_OTHER_PERIOD = re.compile(r"十[一二三四五]五|五年|年均|时期|今后|(?:19|20)\d\d年")  # in the sentence before the cue
_REVIEWED = re.compile(r"过去|去年|上年|完成了|实现了|超额完成")  # in the cue's own clause
# Their paragraph, not each sentence, may say 今年 (拟安排财政赤字…；…赤字率下降到2%左右): read there with a
# verb of a target before the figure (稳定在, 达到 …), not a bare figure (粮食总产量4564亿公斤: a review).
_IN_PARAGRAPH = {"deficit_ratio", "grain_output", "retail_prices"}
_TARGET_VERB = re.compile(r"稳定在|保持在|达到|拟按|提高到|下降到|控制在|在|为|按")


# The words that name each indicator: without one of them no figure of it can be read (a cheap look
# before reading a sentence). A report whose whole text holds none never names the indicator — status
# `no_cue` (the 1980s reports target 工农业总产值, never GDP); one that names it but where nothing was read
# is `not_found`, a possible miss. The silent-miss corpus test counts, with these same words, the reports
# that name an indicator with a figure near it and got not_found.
CUES = {"gdp": "生产总值|GDP|经济增长", "cpi": "消费价格|CPI", "urban_jobs": "新增就业|城镇就业", "unemployment_surveyed": "失业率",
        "unemployment_registered": "失业率", "deficit_ratio": "赤字", "grain_output": "粮食", "retail_prices": "零售|物价"}
# ＧＤＰ is GDP: a letter matches its full-width form too (folding a whole report would cost more)
_CUE_WORDS = {indicator: re.compile("".join(f"[{c}{chr(ord(c) + 0xFEE0)}]" if c.isascii() and c.isalnum() else c
                                            for c in words)) for indicator, words in CUES.items()}


def unnamed(lines: list[str], indicators) -> set[str]:
    """Of `indicators`, those the report whose lines are `lines` never names (no word of CUES anywhere)."""
    text = "\n".join(lines)
    return {i for i in indicators if not _CUE_WORDS[i].search(text)}



# A report that names an indicator with figures, but each of them for another period: a five-year plan
# (今后五年…年均增长12%), a review (预计，2006年全区生产总值完成290.3亿元), a share (只占国民生产总值的20%).
# Nothing was missed: its year has no figure to read — status `other_period`, with the first such
# sentence as printed so the reader can judge. One sentence that names the indicator and holds a figure
# but no mark of another period (or says 今年, 本年, 明年, its own year) keeps the row `not_found`.
_ANOTHER_PERIOD = re.compile(r"十[一二三四五]五|[五5]年|年均|年平均|平均每年|时期|期间|今后|未来|纲要|规划|年代|预计|去年|过去"
                             r"|(?<!比)上年|完成了|实现了|超额完成|翻一番|翻两番|[只仅]?占|比重|到(?:19|20)\d\d")
_NAMED_YEAR = re.compile(r"(?:19|20)\d\d(?=年)")
_ITS_YEAR = re.compile(r"今年|本年|明年")
_FIGURE_NEAR = re.compile(r"[^。；，,]{0,16}?\d+(?:\.\d+)?\s*(?:%|亿|万|倍|个百分点|元|人|吨|斤|公斤)")  # 两个根本性转变 is none
_NOT_THE_INDICATOR = re.compile(r"人均|单位|万元")  # just before the cue: 人均GDP, 单位生产总值能耗 are other measures


def _named_with_figures(indicator: str, digits: str):
    """Where a sentence (its figures in digits) names the indicator with a figure near after: the end
    of each such figure."""
    for m in _CUE_WORDS[indicator].finditer(digits):
        figure = _FIGURE_NEAR.match(digits, m.end())
        if figure and not _NOT_THE_INDICATOR.search(digits[max(0, m.start() - 4):m.start()]):
            yield figure.end()


# Only the indicators whose words name nothing else: 失业率 is both kinds of unemployment, 零售 is also
# 社会消费品零售总额, 粮食 a granary's — their sentences cannot say whose figure it is.
_OTHER_PERIOD_TOLD = {"gdp", "cpi", "urban_jobs", "deficit_ratio"}


def named_for_other_periods(lines: list[str], indicators, year: int | None) -> dict[str, tuple[int, str]]:
    """Of `indicators`, those named with a figure near only in sentences about another period than
    `year` — a mark of it (年均, 预计, 到2020, 1997年 …) before the figure — and never in a sentence that
    says 今年, 本年, 明年 or `year`: indicator → (line, the first such sentence as printed)."""
    out: dict[str, tuple[int, str]] = {}
    for indicator in indicators:
        if indicator not in _OTHER_PERIOD_TOLD:
            continue
        first, every = None, True
        for k, line in enumerate(lines):
            if not every:
                break
            if not _CUE_WORDS[indicator].search(line):
                continue
            for sentence in re.findall(r"[^。；;！？!?]+[。；;！？!?]?", line):
                digits = as_digits(_folded(sentence))[0]
                if not _CUE_WORDS[indicator].search(digits):
                    continue
                years = {int(y) for y in _NAMED_YEAR.findall(digits)}
                if _ITS_YEAR.search(sentence) or year in years:  # its year named with it, even in words
                    every = False
                    break
                ends = list(_named_with_figures(indicator, digits))
                if not ends:
                    continue
                if not all(
                        _ANOTHER_PERIOD.search(digits, 0, end) or {int(y) for y in _NAMED_YEAR.findall(digits, 0, end)} - {year}
                        for end in ends):
                    every = False
                    break
                first = first or (k, sentence.strip())
        if every and first:
            out[indicator] = first
    return out


def _this_years_sentences(lines: list[str], read: set[str]) -> list[Target]:
    out: list[Target] = []
    wanted = re.compile("|".join(CUES[i] for i in LEXICON if i not in read) or "(?!)")
    paragraph_keys = re.compile("|".join(CUES[i] for i in _IN_PARAGRAPH if i not in read) or "(?!)")
    for k, line in enumerate(lines):
        if not _THIS_YEARS.search(line) or not wanted.search(line):
            continue
        for sentence in re.finditer(r"[^。；;！？]+", line):
            said = _THIS_YEARS.search(sentence.group(0))
            if not wanted.search(sentence.group(0)) or not (said or paragraph_keys.search(sentence.group(0))):
                continue
            for t in _read(sentence.group(0), k, qualitative=False, from_cue=False):
                before = sentence.group(0)[:t.start]
                cue = max((m.start() for m in re.finditer(LEXICON[t.indicator], _folded(before))), default=len(before))
                clause = re.split(r"[，,：:]", before[:cue])[-1]
                in_paragraph = t.indicator in _IN_PARAGRAPH and _TARGET_VERB.search(before[cue:])
                # the year that says it is this year's (2008年力争生产总值增长10%以上) names no other period
                unsaid = before[:said.start()] + before[said.end():cue] if said and said.start() < cue else before[:cue]
                other = _OTHER_PERIOD.search(unsaid)
                if t.indicator in read or other or _REVIEWED.search(clause) \
                        or not (said and said.start() <= t.start or in_paragraph):
                    continue
                if t.modifier == "力争" and t.indicator not in {o.indicator for o in out}:
                    continue
                out.append(Target(**{**t.__dict__, "start": t.start + sentence.start(), "end": t.end + sentence.start()}))
            read = read | {t.indicator for t in out}
    return out


# An indicator named in a list that shares one figure (`A、B、C均增长6%左右`) or takes one each in
# order (`城镇登记失业率、调查失业率分别控制在4%以内、5%左右`): how a list names it.
NAMES = {
    "gdp": r"^(?:国内|地区|全省|全区|全市)?生产总值$|^GDP$",
    "cpi": r"^(?:居民)?消费价格(?:总水平)?(?:涨幅)?$|^CPI(?:涨幅)?$",
    "urban_jobs": r"^(?:城镇新增就业|新增城镇就业)(?:人数)?$",
    "unemployment_surveyed": r"^(?:城镇)?调查失业率$",
    "unemployment_registered": r"^(?:城镇)?登记失业率$",
    "deficit_ratio": r"^(?:财政)?赤字率$",
    "grain_output": r"^粮食(?:总)?产量$",
}
_SHARED = re.compile(r"(?P<names>[^，,；;。：:！]{2,80}?)(?P<how>均|都|分别)(?:增长|控制在|保持在|稳定在|达到|为)?")
_ITEM_SPLIT = re.compile(r"[、和及与]")


def _named(item: str) -> str | None:
    item = re.sub(r"^(?:今年|全年|实现|其中|力争)", "", item.strip())
    return next((ind for ind, names in NAMES.items() if re.search(names, item)), None)


def _shared(digits: str, back: list[int], line: str, k: int, start: int) -> list[Target]:
    out: list[Target] = []
    for m in _SHARED.finditer(digits):
        if back[m.start()] < start:
            continue
        named = [_named(x) for x in _ITEM_SPLIT.split(m.group("names"))]
        if len(named) < 2 or not any(named):
            continue
        values, at = [], m.end()
        while (v := _VALUE.match(digits, at)) and v.group("low"):
            values.append(v)
            sep = re.match(r"[、和]", digits[v.end():])
            if m.group("how") != "分别" or not sep:
                break
            at = v.end() + 1
        pairs = zip(named, values * len(named) if m.group("how") != "分别" else values)
        if m.group("how") == "分别" and len(values) != len(named):
            continue  # 城乡居民人均可支配收入分别增长6.5%、7.5%: not one figure per item named
        for indicator, v in pairs:
            t = _target(indicator, v, digits, back, line, k) if indicator else None
            if t and all(o.indicator != indicator for o in out):
                out.append(t)
    return out


_QUALITATIVE = re.compile(r"稳定|同步|平稳|合理|持平|协调|高于|快于|比全国(?:平均水平)?高")
# A target relative to the country's with no figure of its own (增速比全国高2个百分点左右, 增速高于全国平均
# 水平1到2个百分点): its points are no growth rate — qualitative, with its text; read in a sentence that
# says it is this year's too (四川 2019's stands outside any cued passage).
# GDP's target in words without naming GDP (上海 2015: 主要目标是：经济平稳增长，结构继续优化…)
_ECONOMY_GROWS = re.compile(r"(?:保持|实现)?(?:全省|全区|全市)?经济(?=(?:平稳|稳定|持续|健康|较快|中高速)+增长$)")
_RELATIVE = re.compile(r"(?:比全国(?:平均水平)?高|(?:高|快)于全国(?:平均水平)?)[^，,；;。]{0,8}?个百分点")


def _qualitative(digits: str, back: list[int], line: str, k: int, start: int, taken: set,
                 relative_only: bool = False) -> list[Target]:
    """Indicators the passage names with no figure (`居民消费价格总水平基本稳定`, `与经济增长基本同步`):
    a clause that starts with the indicator, holds no figure (but a relative one's points) and a word of
    a target's kind."""
    out = []
    for clause in re.finditer(r"[^，,；;。：:]+", digits):
        relative = _RELATIVE.search(clause.group(0))
        if back[clause.start()] < start or (relative_only or re.search(r"\d", clause.group(0))) and not relative:
            continue
        text = clause.group(0)
        for indicator, wording in LEXICON.items():
            m = re.match(rf"(?:保持|实现|全年|今年)?(?:全省|全区|全市)?(?:{wording})", text) or \
                (_ECONOMY_GROWS.match(text) if indicator == "gdp" else None)
            if indicator in taken or not m or not _QUALITATIVE.search(text, m.end()):
                continue
            a, b = back[clause.start()], back[clause.end() - 1] + 1
            out.append(Target(indicator, line[a:b], None, None, "", "qualitative", k, a, b))
            taken = taken | {indicator}
    return out


def _target(indicator: str, v: re.Match, digits: str, back: list[int], line: str, k: int) -> Target | None:
    unit = v.group("unit") or v.group("unit1") or ""
    if indicator == "cpi" and unit in ("", "%") and not v.group("high") and 100 < float(v.group("low")) < 130:
        return _index_target(v, back, line, k)  # 价格指数控制在103(%)以内: the index, a rise of at most 3%
    if unit == "万":
        unit = "万人" if indicator == "urban_jobs" else unit
    if not unit and indicator != "deficit_ratio":
        return None  # a number without a unit is no target figure (a year, an ordinal)
    if indicator in ("gdp", "cpi", "unemployment_surveyed", "unemployment_registered", "deficit_ratio", "retail_prices") \
            and unit != "%":
        return None
    if indicator in ("grain_output", "urban_jobs") and unit == "%":
        return None  # 粮食总产量增长5.3%: a growth rate, not the output
    low = high = float(v.group("low"))
    pre, post = v.group("pre") or "", v.group("post") or ""
    if v.group("high") or v.group("highcn"):
        high = float(v.group("high") or parse_int(v.group("highcn")))
        modifier = "range"
    elif post == "左右":
        modifier = "左右"
    elif post == "以上" or pre == "不低于":
        modifier, high = post or pre, None
    elif post in ("以内", "以下") or pre in ("控制在", "不超过", "低于"):
        modifier, low = post or pre, None
    else:
        modifier = ""
    a, b = back[v.start("low")], back[v.end() - 1] + 1
    return Target(indicator, line[a:b], low, high, unit, modifier, k, a, b)


def _index_target(v: re.Match, back: list[int], line: str, k: int) -> Target:
    """A CPI target written as the index (last year = 100): 103 is a rise of 3%."""
    rise = round(float(v.group("low")) - 100, 4)
    pre, post = v.group("pre") or "", v.group("post") or ""
    if post == "左右":
        low, high, modifier = rise, rise, "左右"
    elif post in ("以内", "以下") or pre in ("控制在", "不超过", "低于"):
        low, high, modifier = None, rise, post or pre
    else:
        low, high, modifier = rise, rise, ""
    a, b = back[v.start("low")], back[v.end() - 1] + 1
    return Target("cpi", line[a:b], low, high, "%", modifier, k, a, b)
