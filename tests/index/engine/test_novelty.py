"""`new` (新提法): the phrases of a report that no baseline report holds — each listed phrase checked
against the oracle (absent from every baseline report, its count in the report), on the seeds and on
the national and provincial reports of ../shared/corpus."""

import random

import pytest

from index import QueryError, list_reports, new_phrases
from index.engine import novelty
from tests.conftest import needs_corpus
from tests.oracle import Oracle

# New in their year's national report: each read in its report (kwic) and absent from every
# earlier national report.
READ_AS_NEW = [
    ("国务院_2024", "新质生产力"), ("国务院_2024", "高效办成一件事"), ("国务院_2024", "新三样"),
    ("国务院_2016", "供给侧结构性改革"), ("国务院_2016", "僵尸企业"), ("国务院_2020", "两新一重"),
    ("国务院_2020", "揭榜挂帅"), ("国务院_2018", "乡村振兴"), ("国务院_2021", "一老一小"), ("国务院_2025", "投资于人"),
]


# jieba's tags for the words below, as rjieba gives them (a phrase of several words: each tagged)
TAGS = {"加强": "v", "减污": "v", "降碳": "", "可信": "v", "数据空间": "n", "供给侧结构性改革": "", "和": "c",
        "蛋糕": "n", "创客": "", "三农": "nz"}


def tagged(text):
    out, at = [], 0
    while at < len(text):
        word = next(w for w in sorted(TAGS, key=len, reverse=True) if text.startswith(w, at))
        out.append((word, TAGS[word]))
        at += len(word)
    return out


def test_only_a_governing_verb_or_a_particle_folds():
    ranked = ["供给侧结构性改革", "降碳", "数据空间", "加强供给侧结构性改革", "减污降碳", "可信数据空间"]
    assert novelty._folded(ranked, tagged) == ["供给侧结构性改革", "降碳", "数据空间", "减污降碳", "可信数据空间"]


def test_an_everyday_word_weighs_less_than_a_coined_one():
    weigh = lambda p: novelty._weight(p, 3, True, False, True, True, tagged)  # noqa: E731 — quoted, a term
    assert weigh("蛋糕") + novelty.GENERAL_WORD == weigh("创客")  # jieba's everyday word, and the archive's
    assert weigh("三农") > weigh("创客")  # jieba's term (nz), with a numeral


def test_a_governing_verb_at_either_end_weighs_less_even_in_a_heading():
    def heading(p):  # written once, in a heading, unmarked
        return novelty._weight(p, 1, False, True, False, False, tagged)
    assert heading("加强数据空间") + 5 == heading("可信数据空间")  # 推动区域协调发展: a verb and its object
    assert heading("数据空间加强") + 5 == heading("数据空间可信")  # 体系进一步完善: a subject and its verb


def check_against_oracle(home, oracle, nv):
    phrases = {p.phrase: p for p in nv.phrases}
    assert nv.baseline and nv.report not in nv.baseline
    for p in nv.phrases:
        assert oracle.count_in(p.phrase, nv.report) == p.count > 0, p
        for other in nv.baseline:
            assert oracle.count_in(p.phrase, other) == 0, (p.phrase, other)
        lines = oracle.sections[(nv.report, p.section_id)]
        assert any(p.phrase in line.norm and line.paragraph == p.paragraph for line in lines), p
        # new only by a figure is no phrase; a quoted formulation may hold one (中国制造2025, 2+3+6+6)
        assert not any(ch.isdigit() for ch in p.phrase if ch.isascii()) or \
            (p.quoted and (not p.phrase.isascii() or "+" in p.phrase)), p
    # folded: no phrase listed below one it only adds a verb or a particle to (加强供给侧结构性改革 under
    # 供给侧结构性改革); a longer unit around a phrase (东北全面振兴座谈会) may stand beside it
    order = [p.phrase for p in nv.phrases]
    for k, q in enumerate(order):
        for p in order[:k]:
            if p in q:
                assert q.replace(p, "", 1) not in ("加强", "推进", "和", "的", "推进建设", "加快", "深化"), (p, q)
    assert len(set(order)) == len(order)


def test_seeds_two_report_comparison(shared_home):
    oracle = Oracle(shared_home)
    nv = new_phrases(shared_home, "002", ["001"], limit=None)
    assert nv.baseline == ("001_753262a5c116b1c6",) and nv.found == len(nv.phrases) > 0
    check_against_oracle(shared_home, oracle, nv)
    assert "六新产业" in {p.phrase for p in nv.phrases}
    default = new_phrases(shared_home, "002", limit=None)  # 通化 2024: against 通化 2023
    assert default.baseline == nv.baseline and default.phrases == nv.phrases


@pytest.mark.parametrize("ref,against,message", [
    ("001", None, "no earlier city report of 通化市"),
    ("002", ["002"], "cannot be its own baseline"),
])
def test_no_baseline_is_a_clear_error(shared_home, ref, against, message):
    with pytest.raises(QueryError, match=message):
        new_phrases(shared_home, ref, against)


@needs_corpus()
def test_national_and_provincial_reports_against_the_oracle(corpus_home):
    oracle = Oracle(corpus_home)
    nv = new_phrases(corpus_home, "国务院_2024")
    assert "新质生产力" in {p.phrase for p in nv.phrases}
    assert not {"国务院政府工作报告_2024", "2024政府工作报告"} & set(nv.baseline)  # its own transcriptions
    assert {r.id for r in list_reports(corpus_home) if r.level == "national" and r.year and r.year < 2024} == set(nv.baseline)
    check_against_oracle(corpus_home, oracle, nv)
    provincial = sorted(r.id for r in list_reports(corpus_home) if r.level == "provincial" and r.year == 2026)
    for ref in random.Random(18).sample(provincial, 10):
        check_against_oracle(corpus_home, oracle, new_phrases(corpus_home, ref))
    previous = new_phrases(corpus_home, "国务院_2024", "previous", limit=None)
    assert {oracle.reports[b].year for b in previous.baseline} == {2023}


@needs_corpus()
def test_phrases_read_as_new_are_in_the_top_50(corpus_home):
    for report, phrase in READ_AS_NEW:
        assert phrase in {p.phrase for p in new_phrases(corpus_home, report).phrases}, (report, phrase)
