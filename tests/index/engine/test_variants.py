"""Variants shown, never mixed in (issue 28): the places an exact string stands with other
punctuation inside are named with their counts, counted only with --variants, proposed when the
string itself stands nowhere, and rank second in an unquoted search — each against the oracle,
which finds them its own way (every mark dropped from both sides, less the printed matches)."""

import json
import random

import pytest

from index import Home, ingest, kwic, search, trend
from tests.conftest import CORPUS, run_cli
from tests.index.engine.test_oracle import MARKED, searchable
from tests.oracle import Oracle, loose, norm

TEXT = """某市政府工作报告
一、过去一年的工作
全面实施“一主六双”高质量发展战略，一主六双成效明显。
深入推进“一主、六双”产业空间布局，一主、六双协同发展。
坚持稳中求进、以进促稳，改革、开放不断深化，推进改革开放。
二、今年的工作
坚持稳中求进；以进促稳。落实一主，六双战略。发展经济，壮大实力。
"""


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reports")
    (folder / "地市_某市_2024.txt").write_text(TEXT, encoding="utf-8")
    home = Home(tmp_path_factory.mktemp("home"))
    ingest(home, [folder])
    yield home
    home.close()


def test_named_with_their_counts_and_counted_only_when_asked(planted):
    oracle = Oracle(planted)
    got = search(planted, "一主六双", exact=True, limit=None)
    assert got.occurrences == sum(oracle.counts("一主六双").values()) == 2
    # grouped as the contract reads them (、 and ， are one comma), shown as first printed
    assert [(v.text, v.occurrences, v.sections) for v in got.variants] == [("一主、六双", 3, 2)]
    assert sum(v.occurrences for v in got.variants) == sum(oracle.variants("一主六双").values()) == 3
    both = search(planted, "一主六双", exact=True, limit=None, variants=True)
    assert both.occurrences == 2 + 3 and both.total == 2
    assert [(h.section_id, h.variant) for h in both.hits] == [(1, False), (2, True)]
    lines = kwic(planted, "一主六双", variants=True).lines
    assert sorted(k.match for k in lines if k.variant) == ["一主、六双"] * 2 + ["一主，六双"]
    assert all(norm(k.match) == "一主六双" for k in lines if not k.variant)
    assert len(kwic(planted, "一主六双").lines) == 2
    t = trend(planted, ["一主六双"], variants=True).terms[0]
    assert t.total == 5 and trend(planted, ["一主六双"]).terms[0].total == 2
    assert [v.text for v in t.variants] == ["一主、六双"]


def test_a_string_with_no_printed_match_proposes_its_variants(planted):
    got = search(planted, '"稳中求进以进促稳"', limit=None)
    assert got.total == 0
    assert [(s.text, s.count) for s in got.suggestions[:2]] == [("稳中求进、以进促稳", 1), ("稳中求进；以进促稳", 1)]
    doc = json.loads(run_cli(planted.path, "search", "-e", "稳中求进以进促稳", "--json").stdout)
    assert doc["suggestions"][0] == {"text": "稳中求进、以进促稳", "count": 1}
    assert doc["variants"] == [{"text": "稳中求进、以进促稳", "occurrences": 1, "sections": 1},
                               {"text": "稳中求进；以进促稳", "occurrences": 1, "sections": 1}]


def test_an_unquoted_search_counts_every_variant_it_says_it_counts(planted):
    """`一主六双` unquoted says its variants are `(counted here)`: they are, in the section that holds
    the term verbatim too (two printed, two as 一主、六双), and they are lit there."""
    oracle = Oracle(planted)
    got = search(planted, "一主六双", limit=None)
    assert got.variants_counted
    printed, variants = oracle.counts("一主六双"), oracle.variants("一主六双")
    assert {(h.report, h.section_id): h.count for h in got.hits} == {
        k: printed.get(k, 0) + variants.get(k, 0) for k in set(printed) | set(variants)} == {
        ("地市_某市_2024", 1): 4, ("地市_某市_2024", 2): 1}
    assert got.occurrences == 2 + 3
    first = got.hits[0]
    assert first.verbatim and sorted(first.matches) == ["一主、六双", "一主、六双", "一主六双", "一主六双"]
    out = run_cli(planted.path, "search", "一主六双").stdout
    assert "一主六双 — 2 sections, 5 occurrences" in out and "一主、六双 3 (counted here)" in out


def test_a_mark_in_the_query_has_variants_of_other_marks(planted):
    got = search(planted, "稳中求进，以进促稳", exact=True, limit=None)  # ，= 、
    assert got.occurrences == 1 and [v.text for v in got.variants] == ["稳中求进；以进促稳"]


@pytest.mark.parametrize("where", ["planted", "seeds"])
def test_unquoted_search_ranks_in_three_tiers(planted, shared_home, where):
    home = planted if where == "planted" else shared_home
    oracle = Oracle(home)
    queries = ("一主六双", "改革开放", "稳中求进以进促稳") if where == "planted" else ("转型全面", "推进法治", "发展改造", "振兴特色")
    for query in queries:
        hits = search(home, query, limit=None).hits
        tiers = [0 if h.verbatim else 1 if h.variant else 2 for h in hits]
        assert tiers == sorted(tiers), query
        for sort in ("year", "oldest"):
            again = [0 if h.verbatim else 1 if h.variant else 2 for h in search(home, query, limit=None, sort=sort).hits]
            assert again == sorted(again), (query, sort)
        printed, variant = oracle.counts(query), oracle.variants(query)
        assert {(h.report, h.section_id) for h in hits if h.verbatim} == set(printed), query
        assert {(h.report, h.section_id) for h in hits if h.variant} == set(variant) - set(printed), query


def test_the_terminal_names_them(planted):
    out = run_cli(planted.path, "search", "-e", "一主六双").stdout
    assert "also written with punctuation inside: 一主、六双 3 (--variants)" in out
    out = run_cli(planted.path, "kwic", "改革开放").stdout
    assert "also written with punctuation inside: 改革、开放 1 (--variants)" in out


def test_drawn_strings_on_the_seeds(shared_home):
    """Strings that span a mark, with the mark dropped: their variants, as the oracle finds them."""
    oracle = Oracle(shared_home)
    rng = random.Random(28)
    lines = [ln.text for lines in oracle.sections.values() for ln in lines if MARKED.search(ln.text)]
    checked = 0
    while checked < 40:
        text = rng.choice(lines)
        m = rng.choice(list(MARKED.finditer(text)))
        needle = text[max(0, m.start() - rng.randint(1, 4)):m.end() + rng.randint(1, 4)]
        bare = loose(norm(needle))
        if not searchable(needle) or len(bare) < 2 or bare != norm(bare):
            continue
        truth = oracle.variants(bare)
        got = search(shared_home, bare, exact=True, limit=None, variants=True)
        plain = search(shared_home, bare, exact=True, limit=None)
        assert got.occurrences - plain.occurrences == sum(truth.values()), needle
        if len(got.variants) < 10:
            assert sum(v.occurrences for v in got.variants) == sum(truth.values()), needle
        assert {(h.report, h.section_id) for h in got.hits if h.variant} == set(truth) - set(oracle.counts(bare)), needle
        checked += 1


# -- the corpus sample ------------------------------------------------------------------------------
@pytest.mark.corpus
@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"no shared corpus at {CORPUS}")
def test_corpus_variants_and_tiers_against_the_oracle(corpus_home):
    oracle = Oracle(corpus_home)
    for term in ("一主六双", "改革开放", "发展经济", "放管服改革", "稳中求进以进促稳"):
        truth = oracle.variants(term)
        plain = search(corpus_home, term, exact=True, limit=None)
        both = search(corpus_home, term, exact=True, limit=None, variants=True)
        assert both.occurrences - plain.occurrences == sum(truth.values()), term
        assert {(h.report, h.section_id) for h in both.hits if h.variant} == set(truth) - set(oracle.counts(term)), term
        if len(plain.variants) < 10:
            assert sum(v.occurrences for v in plain.variants) == sum(truth.values()), term
        t = trend(corpus_home, [term]).terms[0]
        assert t.variants == plain.variants, term
        assert trend(corpus_home, [term], variants=True).terms[0].total == t.total + sum(truth.values()), term
    hits = search(corpus_home, "发展经济", limit=None, filters={"level": "national"}).hits
    tiers = [0 if h.verbatim else 1 if h.variant else 2 for h in hits]
    assert tiers == sorted(tiers) and {0, 1, 2} <= set(tiers)
    national = {"level": "national"}
    assert {(h.report, h.section_id) for h in hits if h.verbatim} == set(oracle.counts("发展经济", **national))
    assert {(h.report, h.section_id) for h in hits if h.variant} == \
        set(oracle.variants("发展经济", **national)) - set(oracle.counts("发展经济", **national))
    reform = trend(corpus_home, ["改革开放"]).terms[0]
    assert "改革、开放" in [v.text for v in reform.variants]


def test_a_point_between_digits_is_never_a_gap_of_a_variant(tmp_path):
    """`6.5%` is no variant of `65%` (the point is part of the figure), also in a section that holds a
    real variant (`6，5%`): the lines kwic --variants shows are exactly the variants it counts."""
    (tmp_path / "r").mkdir()
    (tmp_path / "r" / "地市_某市_2020.txt").write_text("某市政府工作报告\n一、回顾\n增长6，5%和6.5%。\n", encoding="utf-8")
    home = Home(tmp_path / "home")
    ingest(home, [tmp_path / "r"])
    c = kwic(home, "65%", variants=True)
    assert c.total == len(c.lines) == sum(Oracle(home).variants("65%").values()) == 1
    assert [k.match for k in c.lines] == ["6，5%"]
    home.close()
