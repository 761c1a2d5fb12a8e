"""Did you mean (issue 16): for a term that stands nowhere, the strings one character away that
stand in the archive, by count — compared with a brute force over the oracle's lines."""

import pytest
from rapidfuzz.distance import OSA

from archive import normalize_text
from index import search
from tests.oracle import Oracle


@pytest.fixture(scope="module")
def oracle(shared_home):
    return Oracle(shared_home)


def brute_force(oracle: Oracle, term: str) -> dict[str, int]:
    """Every string one edit (substitution, insertion, deletion, adjacent swap) from `term` that
    stands in some line, with its occurrences as search -e counts them."""
    out = {}
    n = len(term)
    for lines in oracle.sections.values():
        for line in lines:
            for length in (n - 1, n, n + 1):
                for i in range(len(line.norm) - length + 1):
                    cand = line.norm[i:i + length]
                    if cand not in out and cand != term and len(cand) >= 2 and OSA.distance(cand, term) == 1:
                        out[cand] = sum(oracle.counts(cand).values())
    return {k: v for k, v in out.items() if v}


@pytest.mark.parametrize("typo,meant", [("新植生产力", "新质生产力"), ("营商坏境", "营商环境"), ("九届一协调", "九解一协调"),
                                        ("高质量发屁", "高质量发展"), ("人参产叶", "人参产业"), ("一主六又", "一主六双"),
                                        ("高质量展发", "高质量发展")])
def test_a_typo_gets_what_was_meant_with_its_count(shared_home, oracle, typo, meant):
    res = search(shared_home, typo)
    assert res.total == 0
    proposals = {s.text: s.count for s in res.suggestions}
    assert meant in proposals and proposals[meant] == sum(oracle.counts(meant).values())
    truth = brute_force(oracle, normalize_text(typo))
    for text, count in proposals.items():  # each is one edit away and counted right
        assert truth.get(text) == count, text
    best = max(truth.values())
    assert res.suggestions[0].count == best  # the most frequent first
    assert len(res.suggestions) <= 5


def test_no_suggestions_when_something_is_found_or_the_term_is_short(shared_home):
    assert search(shared_home, "人参").suggestions == ()
    assert search(shared_home, "参人").suggestions == ()  # two characters: too short to guess


def test_json_carries_the_suggestions(tmp_path):
    import json

    from tests.conftest import run_cli

    home = tmp_path / "home"
    r = run_cli(home, "search", "新植生产力", "--json")
    doc = json.loads(r.stdout)
    assert r.returncode == 1 and doc["total"] == 0
    assert {"text": "新质生产力", "count": 4} in doc["suggestions"]
    assert "did you mean" in run_cli(home, "search", "新植生产力").stdout


# --- the engine on the Corpus port, without files (issue 33) ---------------------------------------
@pytest.mark.parametrize("term", ["新质生产利", "新质生力", "质新生产力", "因地制宜展"])
def test_suggest_reads_only_the_corpus_port(term):
    """On an in-memory corpus: the strings one edit from a misspelt term that stand there, counted
    by str.count, a fragment of a proposal as frequent dropped, most frequent first — as a brute
    force over every substring finds them."""
    from index.engine.corpus import Corpus
    from index.engine.suggestions import MAX_SUGGESTIONS, suggest
    from tests.fakecorpus import FakeCorpus

    texts = {1: "发展新质生产力，因地制宜发展新质生产力", 2: "新质生产关系", 3: "培育新质生产力"}
    corpus = FakeCorpus(texts)
    assert isinstance(corpus, Corpus)

    def occurrences(text):
        return sum(body.count(text) for body in texts.values())

    near = {body[i:j] for body in texts.values() for i in range(len(body)) for j in range(i + 2, len(body) + 1)
            if OSA.distance(body[i:j], term) == 1}
    near = {c: occurrences(c) for c in near}
    near = {c: n for c, n in near.items() if not any(c in o and o != c and m >= n for o, m in near.items())}
    truth = sorted(near.items(), key=lambda cn: (-cn[1], cn[0]))[:MAX_SUGGESTIONS]
    assert truth and [(s.text, s.count) for s in suggest(corpus, term, occurrences)] == truth
    assert suggest(corpus, term[:2], occurrences) == ()  # too short to guess
