"""The Corpus port (index/engine/corpus.py) and LocalCorpus, its adapter over a home (issue 33):
what it answers equals what the brute-force oracle reads from the store itself."""

import pytest

from index.engine.corpus import Corpus
from index.filters import conditions
from index.local.corpus import LocalCorpus
from tests.oracle import Oracle, loose, norm


@pytest.fixture(scope="module")
def corpus_and_oracle(shared_home):
    return LocalCorpus(shared_home), Oracle(shared_home)


def test_a_local_corpus_is_a_corpus(corpus_and_oracle):
    corpus, _ = corpus_and_oracle
    assert isinstance(corpus, Corpus)


def by_section(corpus, sids, counts) -> dict[tuple[str, int], int]:
    heads = corpus.section_heads(sids.tolist())
    return {(heads[s].report, heads[s].n): int(c) for s, c in zip(sids.tolist(), counts.tolist())}


@pytest.mark.parametrize("needle", ["政府", "经济发展", "人民", "改革开放", "发展，"])
def test_holding_counts_as_the_oracle_does(corpus_and_oracle, needle):
    corpus, oracle = corpus_and_oracle
    sids, counts = corpus.holding(needle)
    truth = oracle.counts(needle, with_duplicates=True)
    assert truth and by_section(corpus, sids, counts) == truth


def test_holding_loose_counts_the_loose_form(corpus_and_oracle):
    """`loose`: a needle without marks, over the text with its marks dropped — it finds the two
    characters either side of a comma, which as printed stand nowhere."""
    corpus, oracle = corpus_and_oracle
    line = next(ln.norm for lines in oracle.sections.values() for ln in lines if "，" in ln.norm[2:-2])
    k = line.index("，", 2)
    needle = line[k - 2:k] + line[k + 1:k + 3]
    sids, counts = corpus.holding(needle, loose=True)
    truth = oracle._counts(needle, lambda ln: loose(ln.norm), {})
    assert by_section(corpus, sids, counts) == truth != oracle.counts(needle, with_duplicates=True)


def test_section_texts_are_the_stored_paragraphs(corpus_and_oracle):
    corpus, oracle = corpus_and_oracle
    sids = list(corpus.section_table.sid[:20].tolist())
    heads = corpus.section_heads(sids)
    texts = corpus.section_texts(sids)
    for sid in sids:
        lines = oracle.sections[(heads[sid].report, heads[sid].n)]
        assert texts[sid] == [line.text for line in lines if line.kind not in ("title", "heading")]


def test_reports_keep_what_the_conditions_keep(corpus_and_oracle):
    corpus, oracle = corpus_and_oracle
    assert [r.id for r in corpus.reports()] == sorted(oracle.reports)
    kept = [r.id for r in corpus.reports(conditions([("year", ">=2024")]))]
    assert kept == sorted(k for k, r in oracle.reports.items() if oracle.keeps(r, year=">=2024"))
    assert 0 < len(kept) < len(oracle.reports)


def test_word_scores_name_only_sections_holding_every_word(corpus_and_oracle):
    corpus, oracle = corpus_and_oracle
    words = corpus.segmenter.query_words("经济发展")
    sids, scores = corpus.word_scores(words)
    assert len(sids) and (scores > 0).all() and (sids[1:] > sids[:-1]).all()
    heads = corpus.section_heads(sids.tolist())
    for sid in sids.tolist():
        text = "".join(line.norm for line in oracle.sections[(heads[sid].report, heads[sid].n)])
        assert all(w in text for w in words)


def test_warm_opens_every_index_a_first_search_reads(seeded_home):
    """The app warms its backend before the first query: both indexes, the section table and the
    segmenter are open after it (moving warm onto the Engine had left the substring index to the
    app's first quoted search)."""
    from index import LocalBackend

    LocalBackend(seeded_home).warm()
    opened = seeded_home._opened
    assert None not in (opened.substring, opened.word_scorer, opened.sections, opened.segmenter), opened
