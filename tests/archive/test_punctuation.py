"""Punctuation is meaning (issue 27): an exact string matches where the printed text holds it, with
the contract's equivalences only — a mark matches a mark of its class, and a match never spans a
mark the query does not hold. Every form is answered as the oracle (its own normalization, read
from the contract's table) answers it."""

import random
import re

import pytest

from archive import normalize_text
from index import kwic, search, trend
from tests.conftest import needs_corpus
from tests.oracle import Oracle


@pytest.fixture(scope="module")
def oracle(shared_home):
    return Oracle(shared_home)


def phrases_across_punctuation(oracle: Oracle, k: int = 25) -> list[str]:
    """Substrings of real lines that cross one Chinese punctuation mark, drawn with a fixed seed."""
    rng = random.Random(16)
    found = []
    for lines in oracle.sections.values():
        for line in lines:
            for m in re.finditer(r"[\u4e00-\u9fff]{3}[，、；：。][\u4e00-\u9fff]{3}", line.text):
                found.append(m.group())
    return rng.sample(sorted(set(found)), k)


def test_a_phrase_is_found_as_printed_and_only_so(shared_home, oracle):
    for phrase in phrases_across_punctuation(oracle):
        bare = re.sub(r"[，、；：。]", "", phrase)
        comma = re.sub(r"[，、]", "、", phrase) if re.search(r"[，、]", phrase) else phrase
        truth = oracle.counts(phrase)
        assert truth, phrase
        for form in (phrase, comma, f"“{phrase}”"):  # `，` and `、` are one comma
            got = search(shared_home, form, exact=True, limit=None)
            assert {(h.report, h.section_id): h.count for h in got.hits} == oracle.counts(form), (phrase, form)
        got = search(shared_home, phrase, exact=True, limit=None)
        assert {(h.report, h.section_id): h.count for h in got.hits} == truth
        for h in got.hits:  # the highlight covers the printed phrase, its own mark included
            assert all(normalize_text(h.snippet[s:e]) == normalize_text(phrase) for s, e in h.highlights)
        bare_hits = search(shared_home, bare, exact=True, limit=None)
        assert {(h.report, h.section_id): h.count for h in bare_hits.hits} == oracle.counts(bare), bare
        assert trend(shared_home, [phrase]).terms[0].total == sum(truth.values())


@pytest.mark.parametrize("text,normalized", [
    ("增长6.5%左右", "增长6.5%左右"), ("1-10月份", "1—10月份"), ("1,000,000元", "1，000，000元"),
    ("“九解一协调”工作，走深走实。", "“九解一协调”工作，走深走实。"), ("（一）坚持稳中求进；以进促稳", "（一）坚持稳中求进；以进促稳"),
    ("一主、六双", "一主，六双"), ('推进"九解一协调"工作', "推进“九解一协调”工作"), ("等等……", "等等…"), ("等等...", "等等…"),
    ("「六稳」", "“六稳”"), ("柠 檬酸", "柠檬酸"), ("AI Plus", "ai plus"), ("——", "—"), ("A , B", "a，b")])
def test_marks_are_their_classes(text, normalized):
    assert normalize_text(text) == normalized


@pytest.mark.parametrize("query,text,found", [
    ("发展经济", "协调发展。经济越发展", 0), ("六保", "第六，保证", 0), ("稳中求进以进促稳", "稳中求进，以进促稳", 0),
    ("稳中求进，以进促稳", "稳中求进；以进促稳", 0), ("稳中求进，以进促稳", "稳中求进、以进促稳", 1),
    ("（一）", "（一）坚持", 1), ("坚持）", "（坚持", 0), ("，进", "稳中求进，进而", 1), ("，进", "进而", 0),
    ("。骨干", "力量。骨干企业", 1), ("。骨干", "骨干企业", 0), ("6.5%", "增长6.5%", 1), ("65%", "增长6.5%", 0),
    ("”工作", "“九解一协调”工作", 1), ("一协调工作", "“九解一协调”工作", 0), ("）以", "（⑵⑶）以企业经营成果", 1)])
def test_the_rule_on_planted_reports(tmp_path, query, text, found):
    from index import Home, ingest

    (tmp_path / "r").mkdir()
    (tmp_path / "r" / "地市_某市_2020.txt").write_text(f"某市政府工作报告\n一、回顾\n{text}\n", encoding="utf-8")
    home = Home(tmp_path / "home")
    ingest(home, [tmp_path / "r"])
    got = search(home, query, exact=True, limit=None)
    assert got.occurrences == sum(Oracle(home).counts(query).values()) == found, (query, text)
    for line in kwic(home, query, filters={}, width=4).lines:  # where it stands, as printed
        assert normalize_text(line.match) == normalize_text(query), (query, line.match)
    home.close()


@needs_corpus()
@pytest.mark.corpus
def test_the_slogan_of_the_issue_is_found_as_printed(corpus_home):
    oracle = Oracle(corpus_home)
    for form in ('"稳中求进以进促稳"', '"稳中求进，以进促稳"', '"稳中求进；以进促稳"'):
        truth = oracle.counts(form.strip('"'))
        got = search(corpus_home, form, limit=None)
        assert {(h.report, h.section_id): h.count for h in got.hits} == truth, form
    assert oracle.counts("稳中求进，以进促稳")
