"""The segmenter: rjieba cuts as jieba 0.42.1 does (but for numeric ranges); figures, digits, sub-words,
dictionary words."""

import re

import pytest

from index.local.segmenter import Segmenter


@pytest.mark.slow  # loads jieba's own dictionary (a second): the reference, run in CI
def test_rjieba_agrees_with_jieba_on_the_seeds_except_numeric_ranges(seed_reports, tmp_path):
    jieba = pytest.importorskip("jieba")
    import rjieba

    jieba.setLogLevel(60)
    reference = jieba.Tokenizer()
    reference.tmp_dir = str(tmp_path)  # not the shared temporary folder
    ours = rjieba.Jieba()
    compared = differing = 0
    for report in seed_reports.values():
        for s in report.sections:
            for p in s.paragraphs:
                expected = list(reference.cut(p.text))
                got = []
                for tok in ours.cut(p.text):
                    if re.fullmatch(r"\d+-\d+", tok):  # rjieba keeps 1-10 whole; jieba cuts 1 - 10
                        got.extend(reference.cut(tok))
                        differing += 1
                    else:
                        got.append(tok)
                assert got == expected, p.text[:40]
                compared += 1
    assert compared > 300 and differing > 0  # the seeds do hold ranges (1-10月份)


def test_figures_stay_whole_and_no_stemming():
    seg = Segmenter()
    words = seg.words_of("地区生产总值增长5.2%,达到98.89亿元,running")
    assert "5.2%" in words and "98.89" in words and "running" in words


def test_single_digits_are_words():
    seg = Segmenter()
    assert "5" in seg.words_of("5年") or "5年" in seg.words_of("5年")
    assert seg.words_of("5年") != seg.words_of("3年")


def test_subwords_only_in_index_mode():
    seg = Segmenter()
    assert seg.words_of("中华人民共和国", "query") == ["中华人民共和国"]
    assert {"中华", "人民", "共和国"} <= set(seg.words_of("中华人民共和国", "index"))


def test_dictionary_words_are_kept_whole():
    assert "九解一协调" not in Segmenter().words_of("九解一协调")
    assert Segmenter(["九解一协调"]).words_of("推进九解一协调工作") == ["推进", "九解一协调", "工作"]
