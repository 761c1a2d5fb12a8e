"""Figures written in Chinese numerals, as the digits a report would print: 百分之五点二 → 5.2%,
一千二百万 → 1200万, 三分之一 → 1/3, 一点二亿 → 1.2亿, 二〇二四年 → 2024年, 两成 → 20%.

Only what reads as a figure is read: a run of numerals with a digit and a unit (十 百 千 万 亿), a
lone numeral before a measure word (四户, 三个) or after 第, a decimal (点), a percentage (百分之; tenths: 两成),
a fraction (分之), or a year. Slogans stay as they are (九解一协调, 一主六双, 两新一重, 十四五, 千方百计); so does
anything that does not parse as one number. Used by verify on quote and source alike (never by the
index: a slogan must be found as printed)."""

from __future__ import annotations

import re
from dataclasses import dataclass

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100, "千": 1000}
BIG = {"万": 10_000, "亿": 100_000_000}
_NUM = "[零〇一二两三四五六七八九十百千万亿]+"
NUMERALS = re.compile(_NUM)  # does a text hold numerals at all
_DIG = "[零〇一二三四五六七八九]"
# A lone numeral before one of these counts something: a figure (四户, 三个); elsewhere it is part
# of a slogan (一主六双, 九解一协调, 两新一重).
MEASURES = "个户家项人次倍元吨条所座台辆批名件种类天年月日周岁亩米套栋处场只头本部篇份期轮级"
_FIGURE = re.compile(
    rf"百分之(?P<pct>{_NUM})(?:点(?P<pctdec>{_DIG}+))?"
    rf"|(?P<den>{_NUM})分之(?P<num>{_NUM})"
    rf"|(?P<int>{_NUM})点(?P<dec>{_DIG}+)(?P<decbig>[万亿]?)"
    rf"|(?P<year>{_DIG}{{4}})(?=年)"
    rf"|(?<=第)(?P<ordinal>{_NUM})"
    rf"|(?<![零〇一二两三四五六七八九十百千万亿])(?P<tenths>[一二两三四五六七八九])成(?!不变)"
    rf"|(?<![0-9])(?<![0-9]\.)(?P<plain>[零〇一二两三四五六七八九]*[十百千万亿]{_NUM[:-1]}*)(?P<measure>[{MEASURES}]?)"
    rf"|(?<![0-9])(?<![0-9]\.)(?<![零〇一二两三四五六七八九十百千万亿])(?P<lone>[零〇一二两三四五六七八九])(?P<lonemeasure>[{MEASURES}])")


def parse_int(text: str) -> int | None:
    """The value of a Chinese numeral (一千二百万 → 12000000), or None when it is not one number
    (十四五, 一二三). At most one digit before each unit; 零 may stand between."""
    if not text:
        return None
    total, section, digit = 0, 0, None
    last_unit = 10**13
    for ch in text:
        if ch in DIGITS:
            if DIGITS[ch] == 0 and (section or total):
                continue  # 一百零五: 零 holds an empty place
            if digit is not None:
                return None  # two digits in a row: not one number
            digit = DIGITS[ch]
        elif ch in UNITS:
            unit = UNITS[ch]
            if unit >= last_unit:
                return None
            section += (1 if digit is None else digit) * unit
            digit, last_unit = None, unit
        elif ch in BIG:
            big = BIG[ch]
            value = section + (digit or 0)
            if not value:
                return None
            total = (total + value) * big if big == BIG["亿"] else total + value * big
            section, digit, last_unit = 0, None, 10**13
        else:
            return None
    return total + section + (digit or 0)


@dataclass(frozen=True)
class Figure:
    start: int
    end: int
    digits: str  # as a report would print it


_NUMERAL = re.compile("[零〇一二两三四五六七八九十百千万亿]")


def figures(text: str) -> list[Figure]:
    """The figures written in numerals in `text`, each with its digit form. Every figure starts at a
    numeral: the pattern is tried there only (3× faster than scanning every position)."""
    out, reach = [], 0
    for c in _NUMERAL.finditer(text):
        if c.start() < reach:
            continue
        m = _FIGURE.match(text, c.start())
        if m is None:
            continue
        reach = m.end()
        digits = _digits(m)
        if digits is not None:
            out.append(Figure(m.start(), m.end(), digits))
    return out


def _digits(m: re.Match) -> str | None:
    g = m.groupdict()
    if g["pct"] is not None:
        whole = parse_int(g["pct"])
        if whole is None:
            return None
        return f"{whole}.{_plain_digits(g['pctdec'])}%" if g["pctdec"] else f"{whole}%"
    if g["den"] is not None:
        den, num = parse_int(g["den"]), parse_int(g["num"])
        return f"{num}/{den}" if den and num is not None else None
    if g["int"] is not None:
        whole = parse_int(g["int"])
        return None if whole is None else f"{whole}.{_plain_digits(g['dec'])}{g['decbig']}"
    if g["year"] is not None:
        return _plain_digits(g["year"])
    if g["ordinal"] is not None:  # 第二 → 第2
        value = parse_int(g["ordinal"])
        return None if value is None else str(value)
    if g["tenths"] is not None:  # 两成 → 20% (not 一成不变, not 三五成群)
        return f"{DIGITS[g['tenths']] * 10}%"
    if g["lone"] is not None:  # 四户
        return f"{DIGITS[g['lone']]}{g['lonemeasure']}"
    run, measure = g["plain"], g["measure"]
    if not any(c in DIGITS for c in run):
        return None  # no digit: 千方百计, 十大
    if measure:
        inner = _digits_of_run(run)
        return None if inner is None else inner + measure
    return _digits_of_run(run)


def _digits_of_run(run: str) -> str | None:
    if run.endswith("万亿") and not any(c in BIG for c in run[:-2]):  # 五万亿 → 5万亿
        head = parse_int(run[:-2])
        return None if head is None else f"{head}万亿"
    if run[-1] in BIG and not any(c in BIG for c in run[:-1]):  # 一千二百万 → 1200万, as reports print it
        head = parse_int(run[:-1])
        return None if head is None else f"{head}{run[-1]}"
    value = parse_int(run)
    return None if value is None else str(value)


def _plain_digits(text: str) -> str:
    return "".join(str(DIGITS[c]) for c in text)


def as_digits(text: str) -> tuple[str, list[int], list[tuple[int, int, int, int]]]:
    """`text` with its figures in digits; for each output character, the index of the input
    character it came from; and the replaced spans (output start, end, input start, end)."""
    out, where, spans, pos = [], [], [], 0
    for f in figures(text):
        out.append(text[pos:f.start])
        where.extend(range(pos, f.start))
        at = sum(len(x) for x in out)
        out.append(f.digits)
        where.extend([f.start] * (len(f.digits) - 1) + [f.end - 1])  # its first and last stand for the span
        spans.append((at, at + len(f.digits), f.start, f.end))
        pos = f.end
    out.append(text[pos:])
    where.extend(range(pos, len(text)))
    return "".join(out), where, spans
