"""`compare` (issue 36): the statistics against values computed by hand, and every count it prints
against the oracle (tests/oracle.py: the source texts under the contract's normalization, duplicates
folded) — on the seeds and on the corpus sample, with its national reports in three transcriptions."""

import math

import pytest

from index import QueryError, compare
from index.engine.comparison import g2, log_ratio
from index.errors import NoReportError, NotFoundError
from tests.conftest import needs_corpus
from tests.oracle import Oracle

# (a, b, c, d) → G², log ratio, worked by hand: E1 = c(a+b)/(c+d), E2 = d(a+b)/(c+d),
# G² = 2(a·ln(a/E1) + b·ln(b/E2)) with 0·ln 0 = 0; log ratio = log2((a/c)/(b/d)), a zero count as 0.5.
HAND = [
    ((10, 0, 1000, 1000), 13.8629, 4.3219),  # E1 = E2 = 5: 2·10·ln 2; log2(10/0.5)
    ((100, 50, 10000, 20000), 69.3147, 2.0),  # E1 = 50, E2 = 100: 2(100 ln 2 − 50 ln 2); log2(4)
    ((0, 7, 500, 700), 7.5461, -3.3219),  # E2 = 4.0833: 2·7·ln(7/4.0833); log2((0.5/500)/(7/700))
    ((3, 3, 2000, 2000), 0.0, 0.0),  # the same rate: nothing sets them apart
    ((5, 1, 1000, 9000), 17.8298, 5.4919),  # E1 = 0.6, E2 = 5.4: 2(5·2.1203 − 1.6864); log2(5·9)
]


@pytest.mark.parametrize("counts,want_g2,want_lr", HAND)
def test_g2_and_log_ratio_equal_hand_computed_values(counts, want_g2, want_lr):
    assert g2(*counts) == pytest.approx(want_g2, abs=1e-3)
    assert log_ratio(*counts) == pytest.approx(want_lr, abs=1e-3)


def independent_g2(a, b, c, d):
    """The same statistic written the other way round (the four-cell table's observed and expected)."""
    total = a + b
    out = 0.0
    for observed, size in ((a, c), (b, d)):
        expected = size * total / (c + d)
        if observed:
            out += observed * (math.log(observed) - math.log(expected))
    return 2 * out


def check_against_oracle(oracle, cmp, target_filters, reference_filters):
    """Each listed phrase: its counts (folded duplicates) and the reports holding it, as the oracle
    finds them in the source texts; G² and log ratio as the output's own counts and sizes give them."""
    assert cmp.phrases
    for p in cmp.phrases:
        target = oracle.counts(p.phrase, **target_filters)
        assert p.target_count == sum(target.values()), p.phrase
        assert p.target_reports == len({rep for rep, _ in target}), p.phrase
        if reference_filters is None:  # the rest of the archive: its total less the target's
            assert p.reference_count == sum(oracle.counts(p.phrase).values()) - p.target_count, p.phrase
        else:
            assert p.reference_count == sum(oracle.counts(p.phrase, **reference_filters).values()), p.phrase
        c, d = cmp.target.chars, cmp.reference.chars
        assert p.g2 == pytest.approx(independent_g2(p.target_count, p.reference_count, c, d), abs=1e-2)
        assert p.target_per_10k == pytest.approx(10000 * p.target_count / c, abs=1e-3)
        assert p.target_count / c > p.reference_count / d  # over-used, as listed
        assert p.first is not None and p.first.report in {rep for rep, _ in target}
    assert [p.g2 for p in cmp.phrases] == sorted((p.g2 for p in cmp.phrases), reverse=True)


def test_seeds_years_against_the_oracle(shared_home):
    oracle = Oracle(shared_home)
    cmp = compare(shared_home, "year:2024", "year:2023", min_count=2, limit=None)
    check_against_oracle(oracle, cmp, {"year": "2024"}, {"year": "2023"})
    assert cmp.target.texts == 3 and cmp.reference.texts == 2
    rest = compare(shared_home, "002", min_count=2, limit=None)  # one report against the rest
    check_against_oracle(oracle, rest, {"report": "002"}, None)
    assert rest.target.reports == ("002_f811594c3753c641",) and rest.reference.texts == 4


def test_pieces_with_the_same_counts_are_dropped(shared_home):
    cmp = compare(shared_home, "year:2024", "year:2023", min_count=2, limit=None)
    listed = {p.phrase: (p.target_count, p.reference_count) for p in cmp.phrases}
    for p, counts in listed.items():
        assert not any(p != q and p in q and listed[q] == counts for q in listed), p


def test_under_use_lists_what_the_reference_says_more(shared_home):
    cmp = compare(shared_home, "year:2024", "year:2023", fewer=True, min_count=2, limit=None)
    assert cmp.phrases and all(p.target_count / cmp.target.chars < p.reference_count / cmp.reference.chars
                               for p in cmp.phrases)
    assert all(p.reference_count >= 2 for p in cmp.phrases)


@pytest.mark.parametrize("target,reference,error", [
    ("year:2030", None, NoReportError),
    ("year:2024", "year:2024 region:通化", QueryError),  # they share reports
    ("heading:工作", None, QueryError),
    ("no such report", None, NotFoundError),
])
def test_bad_sides_are_clear_errors(shared_home, target, reference, error):
    with pytest.raises(error):
        compare(shared_home, target, reference)


@needs_corpus()
def test_corpus_counts_against_the_oracle_with_folded_transcriptions(corpus_home):
    oracle = Oracle(corpus_home)
    decade = compare(corpus_home, "level:national year:2010-2019", "level:national year:2000-2009", limit=40)
    check_against_oracle(oracle, decade, {"level": "national", "year": "2010-2019"},
                         {"level": "national", "year": "2000-2009"})
    assert decade.target.texts == 10 < len(decade.target.reports)  # three transcriptions a year, counted once
    rest = compare(corpus_home, "国务院_2024", limit=30)
    check_against_oracle(oracle, rest, {"report": "国务院_2024"}, None)
