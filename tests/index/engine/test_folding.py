"""Simplified queries find traditional text and the reverse, highlighted on the printed characters,
and counts equal the oracle's (which folds with the same normalization)."""

import json

import pytest

from index import Home, check, ingest, search, trend, verify
from tests.conftest import needs_corpus
from tests.oracle import Oracle

TRAD = "國務院關於報告\n\n今年要發展新質生產力，推進社會主義現代化建設。\n\n經濟發展穩中求進。\n"
SIMP = "国务院的另一篇报告\n\n我们要加快发展新质生产力，坚持社会主义道路。\n"


@pytest.fixture()
def mixed_home(tmp_path):
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "trad.txt").write_text(TRAD, encoding="utf-8")
    (folder / "simp.txt").write_text(SIMP, encoding="utf-8")
    home = Home(tmp_path / "home")
    assert not ingest(home, [folder]).failed
    yield home
    home.close()


@pytest.mark.parametrize("query", ["新质生产力", "新質生產力", "社会主义", "社會主義"])
def test_either_script_finds_both(mixed_home, query):
    truth = Oracle(mixed_home).counts(query)
    assert {r for r, _ in truth} == {"trad", "simp"}
    res = search(mixed_home, query, exact=True, limit=None)
    assert {(h.report, h.section_id): h.count for h in res.hits} == truth
    for h in res.hits:  # the highlight lands on what the report prints
        printed = {h.snippet[s:e] for s, e in h.highlights}
        assert printed <= {"新质生产力", "新質生產力", "社会主义", "社會主義"} and printed


def test_unquoted_words_trend_and_verify_fold_too(mixed_home):
    assert {h.report for h in search(mixed_home, "經濟發展", limit=None).hits} == {"trad"}
    assert trend(mixed_home, ["發展"]).terms[0].reports == 2
    v = verify(mixed_home, "今年要发展新质生产力，推进社会主义现代化建设。")
    assert v.verdict == "exact" and v.matches[0].report == "trad"
    assert v.matches[0].source.startswith("今年要發展")  # the source as printed
    assert check(mixed_home).ok


def test_script_is_listed_as_a_difference_of_form_never_of_wording(mixed_home):
    v = verify(mixed_home, "今年要发展新质生产力，推进社會主義现代化建设。")  # partly traditional
    kinds = {(d.quote, d.source, d.kind) for d in v.matches[0].differences}
    assert v.verdict == "exact" and v.matches[0].report == "trad"
    # each run of characters written in the other script, as typed and as printed
    assert {(q, s) for q, s, k in kinds if k == "script"} == {("发", "發"), ("质", "質"), ("产", "產"), ("进", "進"),
                                                              ("现", "現"), ("设", "設")}
    assert all(d.of_form for d in v.matches[0].differences)
    changed = verify(mixed_home, "经济增长稳中求进。")  # a word changed beside the script
    assert changed.verdict == "close"
    assert [d.kind for d in changed.matches[0].differences if not d.of_form] == ["wording"]


@needs_corpus()
def test_the_1954_traditional_transcription_is_found_and_folded_as_a_duplicate(corpus_home):
    from index import list_reports

    trad = "国务院政府工作报告_1954"
    reports = {r.id: r for r in list_reports(corpus_home)}
    assert reports[trad].duplicate_of in {"国务院_1954", "1954政府工作报告_周恩来"}
    res = search(corpus_home, "社会主义", exact=True, limit=None, with_duplicates=True)
    assert trad in {h.report for h in res.hits}
    folded = search(corpus_home, "社会主义", exact=True, limit=None)
    assert trad not in {h.report for h in folded.hits}
    assert any(trad in h.also_in for h in folded.hits)
