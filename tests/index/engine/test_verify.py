"""Quote verification over the seeds, and over the national reports of the shared corpus."""

import random
import re

import pytest

from archive import normalize_text
from index import Home, QueryError, ingest, verify
from tests.conftest import CORPUS, SEED, needs_corpus

VERBATIM = [
    # crosses the repaired line break 吉 / 林市外五县
    ("整体网络零售额在省内县级城市排名第2位，吉林市外五县排名第1位。", "000"),
    # crosses the OCR space in 柠 檬酸
    ("总投资40亿元的吉林协联柠檬酸项目一期竣工产品下线", "003"),
    # typed with full-width punctuation where the source has ASCII commas
    ("日前，总投资40亿元的吉林协联柠檬酸项目一期竣工产品下线，这是该县历史上单体投资最大的工业项目", "003"),
    ("全市在线受理企业“九解一协调”方面各类诉求647件，办结482件，办结率74%。", "000"),
    ("通化市建立“2+7”学习宣传贯彻工作体系，深入开展“大学习、大宣讲、大培训、大宣传、大落实”活动", "001"),
]

ALTERED = [
    ("全市在线受理企业“九解一协调”方面各类诉求674件", "000", ("674", "647"), "figure"),  # a changed count
    ("招商引资到位资金完成62.8亿元，同比增长54.41%", "000", ("54.41%", "45.41%"), "figure"),  # a percentage
    ("城镇调查失业率控制在6.5%左右", "004", ("6.5%", "5.5%"), "figure"),
    ("总投资40亿元的吉林协联苹果酸项目一期竣工产品下线", "003", ("苹果", "柠檬"), "wording"),  # a changed word
]


def test_verbatim_quotes_are_exact_with_citation(shared_home):
    for quote, report in VERBATIM:
        v = verify(shared_home, quote)
        assert v.verdict == "exact", quote
        m = v.matches[0]
        assert m.report == SEED[report]
        assert m.similarity == 1.0
        assert not [d for d in m.differences if d.kind != "punctuation"]
        assert normalize_text(re.sub(r"\W", "", quote)) in normalize_text(re.sub(r"\W", "", m.source))
        assert m.paragraph >= 1 and m.paragraph_end >= m.paragraph


def test_altered_quotes_name_the_pair_and_kind(shared_home):
    for quote, report, pair, kind in ALTERED:
        v = verify(shared_home, quote)
        assert v.verdict == "close", quote
        m = v.matches[0]
        assert m.report == SEED[report]
        subst = [(d.quote, d.source, d.kind) for d in m.differences if d.kind != "punctuation"]
        assert subst == [(pair[0], pair[1], kind)], subst
        for s, e in m.source_spans:
            assert m.source[s:e] == pair[1] or pair[1] in m.source[s:e]


def test_dropped_clause_is_a_wording_difference(shared_home):
    v = verify(shared_home, "全市在线受理企业各类诉求647件，办结482件")
    assert v.verdict == "close"
    d = [x for x in v.matches[0].differences if x.kind != "punctuation"]
    assert [(x.quote, x.kind) for x in d] == [("", "wording")]
    assert "九解一协调" in d[0].source


def test_punctuation_is_listed_but_never_decides(shared_home):
    v = verify(shared_home, "桦甸市坚定不移推进九解一协调工作走深走实")
    assert v.verdict == "exact"
    assert v.matches[0].differences and all(d.kind == "punctuation" for d in v.matches[0].differences)


def test_elided_quote_matches_its_pieces_in_order(shared_home):
    v = verify(shared_home, "桦甸市全年实施5000万元以上项目50个……招商引资到位资金完成62.8亿元")
    assert v.verdict == "exact" and v.matches[0].report == SEED["000"]
    v = verify(shared_home, "招商引资到位资金完成62.8亿元...桦甸市全年实施5000万元以上项目50个")
    assert v.verdict != "exact"  # out of order is not the passage


@pytest.mark.parametrize("quote", [
    "全市大力发展量子计算产业集群，建成三个国家级量子实验室。",
    "今年我们将在月球背面建设第二个国际空间站配套产业园区。",
    "The government will build three new quantum computing laboratories this year.",
])
def test_fabricated_and_english_quotes_are_not_found(shared_home, quote):
    v = verify(shared_home, quote)
    assert v.verdict == "not_found" and v.matches == ()


def test_captions_are_not_quoted_text(shared_home):
    assert verify(shared_home, "延长高速蒲烟桦甸段建成通车。").verdict == "not_found"


def test_empty_quote_is_a_usage_error(shared_home):
    with pytest.raises(QueryError):
        verify(shared_home, "  ")
    with pytest.raises(QueryError):
        verify(shared_home, "，。")


@pytest.fixture(scope="module")
def national_home(tmp_path_factory):
    folder = CORPUS / "lawtext-gov"
    files = sorted(folder.glob("国务院_*.txt"))
    if not files:
        pytest.skip("no shared corpus")
    home = Home(tmp_path_factory.mktemp("national"))
    ingest(home, files)
    return home


def _sentences(home):
    """Sentences that occur once in the archive, with their report."""
    rows = home.con.execute(
        "SELECT r.id, p.text FROM paragraphs p JOIN sections s USING (sid) JOIN reports r USING (rid) WHERE p.kind = 'body'"
        " ORDER BY r.id, s.n, p.n")  # the same sample whatever order the ingest's workers finished in
    seen: dict[str, list] = {}
    for rid, text in rows:
        for sent in re.findall(r"[^。！？；]{20,80}[。！？；]", text):
            seen.setdefault(normalize_text(sent), []).append((rid, sent))
    return [v[0] for k, v in seen.items() if len(v) == 1 and re.search(r"\d", k)]


@needs_corpus()
def test_random_corpus_sentences_verbatim_and_with_a_changed_digit(national_home):
    rng = random.Random(7)
    pool = _sentences(national_home)
    sample = rng.sample(pool, 200)
    full_text = "\n".join(normalize_text(t) for (t,) in national_home.con.execute("SELECT text FROM paragraphs"))
    exact_ok = close_ok = tried = 0
    for rid, sent in sample:
        v = verify(national_home, sent)
        # (a sentence another year repeats, but for its punctuation, is exact there too)
        exact_ok += v.verdict == "exact" and rid in {m.report for m in v.matches if m.exact}
        digits = [i for i, c in enumerate(sent) if c.isdigit()]
        i = rng.choice(digits)
        altered = sent[:i] + str((int(sent[i]) + rng.randint(1, 8)) % 10) + sent[i + 1:]
        if normalize_text(altered) in full_text:
            continue
        tried += 1
        v = verify(national_home, altered)
        # The right report among the most similar (a sentence that recurs yearly with other
        # figures, 国内生产总值增长8%左右, is as close to several years), with exactly the figure pair.
        best = [m for m in v.matches if m.similarity == v.matches[0].similarity and m.report == rid]
        figs = [d for d in best[0].differences if d.kind != "punctuation"] if best else []
        close_ok += (v.verdict == "close" and len(figs) == 1 and figs[0].kind == "figure"
                     and figs[0].quote in normalize_text(altered) and figs[0].source in normalize_text(sent))
    assert exact_ok == 200
    assert close_ok == tried


def test_a_quote_whose_opening_also_starts_the_sentence_before(tmp_path):
    """Two sentences in a row open alike (1955年国家决算…): the quote of the second is found there,
    exact where the oracle says it stands verbatim, close with the changed figure otherwise."""
    from tests.oracle import Oracle

    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "r.txt").write_text(
        "决算报告\n\n1955年国家决算用于经济建设方面的支出，共占本年支出的46.89%。1955年国家决算在工业建设方面"
        "支出5，960，281，000元，占预算数的93.30%。工业基本建设限额以上的建设单位共有485个。\n", encoding="utf-8")
    home = Home(tmp_path / "home")
    ingest(home, [folder])
    quote = "1955年国家决算在工业建设方面支出5，960，281，000元，占预算数的93.30%。"
    v = verify(home, quote)
    assert v.verdict == "exact"
    assert {(m.report, m.section_id, m.paragraph) for m in v.matches} == Oracle(home).verbatim(quote)
    v = verify(home, quote.replace("281", "287"))
    assert v.verdict == "close"
    assert [(d.quote, d.source) for d in v.matches[0].differences if d.kind == "figure"] == [("287", "281")]
    home.close()


def test_the_passage_mask_in_numpy_equals_the_per_character_mask(shared_home):
    """verify masks whole sections in numpy (`_core_of_passage`) and short texts per character
    (`_core`): the same characters must count, on every BMP code point and on real sections."""
    from index.local import store
    from index.engine.verification import _bmp_counts, _core, _core_of_passage, _is_core

    counts = _bmp_counts()
    assert [c for c in range(0x10000) if not 0xD800 <= c < 0xE000 and counts[c] != _is_core(chr(c))] == []
    texts = ["增长5.2%，达到126.06万亿元。\n 1.2.3 abc, def", "𠀀，𠀁。5.", "a\u3000b‰5‱", ""]
    texts += [t for (t,) in shared_home.con.execute("SELECT text FROM paragraphs LIMIT 300")]
    for text in texts:
        core, idx = _core(text)
        fast, fast_idx = _core_of_passage(text)
        assert (fast, fast_idx.tolist()) == (core, idx), text


@pytest.mark.parametrize("quote,source,kind", [("三", "2", "figure"), ("2", "三", "figure"), ("十二", "13", "figure"),
                                               ("百分之五", "6%", "figure"), ("三", "两", "wording"),
                                               ("代表", "2", "wording")])
def test_a_number_in_words_against_digits_is_a_figure(quote, source, kind):
    """组建职教集团三个 against 组建职教集团2个 is 数字 三 → 2, not 文字: 3 → 2 matters to a journalist."""
    from index.engine.verification import _kind

    assert _kind(quote, source) == kind
