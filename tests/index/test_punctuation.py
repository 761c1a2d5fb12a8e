"""Punctuation in quoted phrases (issue 16): one rule — dropped from text and query unless it stands
between two digits or two Latin letters — so a phrase is found however it is punctuated, and every
form finds exactly what the oracle finds."""

import random
import re

import pytest

from archive import normalize_text
from index import search, trend
from tests.conftest import needs_corpus
from tests.oracle import Oracle

MARKS = "，、；：。！？“”《》…"


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


def test_a_phrase_is_found_however_it_is_punctuated(shared_home, oracle):
    for phrase in phrases_across_punctuation(oracle):
        bare = re.sub(r"[，、；：。]", "", phrase)
        other = re.sub(r"[，、；：。]", "；", phrase)
        truth = oracle.counts(phrase)
        assert truth, phrase
        for form in (phrase, bare, other, f"“{bare}”"):
            got = search(shared_home, form, exact=True, limit=None)
            assert {(h.report, h.section_id): h.count for h in got.hits} == truth, (phrase, form)
            for h in got.hits:  # the highlight covers the printed phrase, its own mark included
                assert all(normalize_text(h.snippet[s:e]) == normalize_text(bare) for s, e in h.highlights)
        assert trend(shared_home, [bare]).terms[0].total == sum(truth.values())


@pytest.mark.parametrize("text,kept", [("增长6.5%左右", "6.5%"), ("1-10月份", "1-10"), ("圆周率3.14", "3.14"),
                                       ("AI+制造", "ai+"), ("R&D投入", "r&d"), ("1,000,000元", "1,000,000")])
def test_marks_between_digits_or_letters_stay(text, kept):
    assert kept in normalize_text(text)


def test_marks_elsewhere_go(shared_home):
    assert normalize_text("“九解一协调”工作，走深走实。") == "九解一协调工作走深走实"
    assert normalize_text("（一）坚持稳中求进；以进促稳") == "一坚持稳中求进以进促稳"
    assert normalize_text(MARKS) == ""


@needs_corpus()
def test_the_slogan_of_the_issue_is_found_however_punctuated(corpus_home):
    oracle = Oracle(corpus_home)
    truth = oracle.counts("稳中求进，以进促稳")
    assert len(truth) > 10
    for form in ('"稳中求进以进促稳"', '"稳中求进，以进促稳"', '"稳中求进；以进促稳"'):
        got = search(corpus_home, form, limit=None)
        assert {(h.report, h.section_id): h.count for h in got.hits} == truth, form
