"""Figures in words (issue 16): verify reads 百分之五点二 as 5.2%, 一千二百万 as 1200万; a quote whose
figures are written in words is exact (the form listed as `figure_form`), and one whose figure is
changed is close with that figure. Slogans full of numerals are never read as figures."""

import random
import re
import unicodedata

import pytest

from archive.numerals import as_digits, parse_int
from index import verify
from tests.conftest import needs_corpus
from tests.oracle import Oracle

DIG = "零一二三四五六七八九"


def int_words(n: int) -> str | None:
    """n in Chinese numerals as a report writes them (a reference written apart from archive.numerals)."""
    if n == 10:
        return None  # 十 alone is no figure to read (十大, 十四五)
    if n < 10:
        return DIG[n]
    if n >= 100_000_000:
        return None
    if n < 20:
        return "十" + (DIG[n - 10] if n > 10 else "")  # 十五, as written (一十五 reads too)
    out, zero = "", False
    for value, unit in ((10_000, "万"), (1, "")):
        part = n // value % 10_000 if value == 1 else n // value
        if not part:
            zero = bool(out)
            continue
        words = ""
        for v, u in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            d = part // v % 10
            if d:
                words += ("零" if zero and words + out else "") + DIG[d] + u
                zero = False
            elif words or out:
                zero = True
        out += words + unit
    return out


def in_words(figure: str) -> str | None:
    """A printed figure (12, 5.2, 5.2%, 1200) in words, or None when it has no unambiguous form."""
    m = re.fullmatch(r"(\d+)(?:\.(\d+))?(%?)", figure)
    if not m or len(m.group(1)) > 1 and m.group(1).startswith("0"):
        return None
    whole = int_words(int(m.group(1))) if m.group(1) != "0" else "零"
    if whole is None:
        return None
    words = whole + ("点" + "".join(DIG[int(c)] for c in m.group(2)) if m.group(2) else "")
    return "百分之" + words if m.group(3) else words


def rewritten(sentence: str):
    """The sentence with every figure in words, or None if one has no word form (a year, 10, a figure
    with thousands separators or a full-width point: ３，０５４，３０８)."""
    figures = re.findall(r"(?<![\d.])\d+(?:\.\d+)?%?", sentence)
    if not figures or re.match(r"\s*\d+[.、．]", sentence) or re.search(r"\d{4}年|\d[-—～~/:，,．]\d|[a-zA-Z]\d|\d[a-zA-Z]", sentence):
        return None
    words = [in_words(f) for f in figures]
    if None in words:
        return None
    out = re.sub(r"(?<![\d.])\d+(?:\.\d+)?%?", lambda m: words.pop(0), sentence)
    return out, figures


@pytest.mark.parametrize("text,digits", [
    ("国内生产总值增长百分之五点二", "国内生产总值增长5.2%"), ("城镇新增就业一千二百万人", "城镇新增就业1200万人"),
    ("三分之一的企业", "1/3的企业"), ("一点二亿元", "1.2亿元"), ("二〇二四年", "2024年"), ("一百零五个", "105个"),
    ("三万五千人", "35000人"), ("增长百分之零点五", "增长0.5%"),
    ("九解一协调", "九解一协调"), ("一主六双", "一主六双"), ("十四五规划", "十四五规划"), ("千方百计", "千方百计"),
    ("两新一重", "两新一重"), ("六稳六保", "六稳六保"), ("第一", "第1"), ("五位一体", "五位一体"),
    ("小升规企业四户", "小升规企业4户"), ("一十五户", "15户"), ("五万亿元", "5万亿元"),
    ("1979两年", "1979两年"), ("前进。五年取得", "前进。5年取得"),
    ("降低两成", "降低20%"), ("九成以上", "90%以上"), ("一成不变", "一成不变"), ("三五成群", "三五成群"),
])
def test_figures_are_read_and_slogans_are_not(text, digits):
    assert as_digits(text)[0] == digits


def test_the_reference_writer_and_the_reader_agree():
    for n in list(range(11, 2000)) + [10_001, 12_000, 1_200_000, 35_000, 100_000, 20_500]:
        assert parse_int(int_words(n)) == n, (n, int_words(n))


def _sentences(oracle: Oracle, rng: random.Random, k: int):
    pool = []
    for lines in oracle.sections.values():
        for line in lines:
            if line.kind in ("body", "heading"):
                pool += [s for s in re.findall(r"[^。！？；]{12,60}", line.text) if rewritten(s)]
    return rng.sample(sorted(set(pool)), min(k, len(pool)))


def _check(home, sentences):
    for sentence in sentences:
        words, figures = rewritten(sentence)
        v = verify(home, words)
        assert v.verdict == "exact", (sentence, words, v.matches[:1])
        forms = [d for d in v.matches[0].differences if d.kind == "figure_form"]
        assert forms and all(d.kind in ("figure_form", "punctuation") for d in v.matches[0].differences)
        # one figure changed, in words: close, with that figure
        i = figures.index(max(figures, key=len))
        changed = figures[i].replace(figures[i][0], str((int(figures[i][0]) % 9) + 1), 1)
        if in_words(changed) is None:
            continue
        parts = re.split(r"((?<![\d.])\d+(?:\.\d+)?%?)", sentence)
        at = [k for k, p in enumerate(parts) if re.fullmatch(r"\d+(?:\.\d+)?%?", p)][i]
        parts[at] = changed
        altered = "".join(in_words(p) if re.fullmatch(r"\d+(?:\.\d+)?%?", p) else p for p in parts)
        v = verify(home, altered)
        assert v.verdict == "close", (sentence, altered)
        figs = [d for d in v.matches[0].differences if d.kind == "figure"]
        assert figs and figs[0].source.rstrip("%") == unicodedata.normalize("NFKC", figures[i]).rstrip("%"), (altered, figs)


def test_seed_sentences_with_figures_in_words(shared_home):
    oracle = Oracle(shared_home)
    _check(shared_home, _sentences(oracle, random.Random(5), 10))


@needs_corpus()
def test_corpus_sentences_with_figures_in_words(corpus_home):
    oracle = Oracle(corpus_home)
    _check(corpus_home, _sentences(oracle, random.Random(16), 10))


def test_the_terminal_says_the_figure_was_written_another_way(tmp_path):
    from tests.conftest import run_cli

    r = run_cli(tmp_path / "home", "verify", "全年网络零售额完成二十七点二八亿元")
    assert r.returncode == 0 and "原文一致" in r.stdout and "写法 二十七点二八亿 = 27.28亿" in r.stdout


def test_a_changed_figure_in_words_is_named_as_the_quote_writes_it(shared_home):
    """六百七十四件 against 647件: the difference names 六百七十四, not the digits the reading made of it."""
    v = verify(shared_home, "全市在线受理企业“九解一协调”方面各类诉求六百七十四件")
    assert v.verdict == "close"
    assert [(d.quote, d.source) for d in v.matches[0].differences if d.kind == "figure"] == [("六百七十四", "647")]
