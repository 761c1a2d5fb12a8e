"""Compound slogans (issue 16): an unquoted term that is one dictionary word tiled by other
dictionary words (六稳六保 = 六稳 + 六保) also matches sections holding all the parts, ranked below
the sections that write it whole; highlights fall on the parts."""

import pytest

from index import Home, ingest, search
from index.local.segmenter import Segmenter
from tests.oracle import Oracle

FILES = {
    "whole": "甲\n\n坚持“六稳六保”不动摇。\n",
    "apart": "乙\n\n全力做好“六稳”工作，落实“六保”任务。\n",
    "half": "丙\n\n做好“六稳”工作。\n",
}


@pytest.fixture()
def home(tmp_path):
    folder = tmp_path / "src"
    folder.mkdir()
    for name, text in FILES.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    h = Home(tmp_path / "home")
    assert not ingest(h, [folder]).failed
    yield h
    h.close()


def test_tiling_uses_the_fewest_dictionary_words():
    seg = Segmenter(["六稳六保", "六稳", "六保", "一主六双", "一主"])
    assert seg.tiling("六稳六保") == ["六稳", "六保"]
    assert seg.tiling("一主六双") is None  # 六双 is no dictionary word
    assert seg.query_words("六稳六保") == ["六稳", "六保"]
    assert seg.query_words("推进六稳六保") == seg.words_of("推进六稳六保")  # only a whole-term slogan


def test_a_compound_slogan_matches_its_parts_below_itself(home):
    oracle = Oracle(home)
    res = search(home, "六稳六保", limit=None)
    got = [h.report for h in res.hits]
    whole, parts = set(oracle.counts("六稳六保")), {k for k in oracle.counts("六稳") if k in oracle.counts("六保")}
    assert {(h.report, h.section_id) for h in res.hits} == whole | parts
    assert got[0] == "whole" and "apart" in got and "half" not in got
    hit = next(h for h in res.hits if h.report == "apart")
    assert not hit.verbatim and sorted(hit.snippet[s:e] for s, e in hit.highlights) == ["六保", "六稳"]
    assert search(home, '"六稳六保"', limit=None).total == 1  # quoted: the string as typed
