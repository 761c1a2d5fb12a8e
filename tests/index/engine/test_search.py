"""Search over the seeds: every section that holds a string is found, those first, with highlights."""

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive import normalize_text
from index import QueryError, search
from tests.conftest import SEED
from tests.oracle import Oracle

QUERIES = [
    "九解一协调",  # a slogan
    "一主六双",
    "人参",  # two characters
    "鹿",  # one character
    "647件",  # a figure with its unit
    "6.5%",
    "六双",  # inside a longer word jieba never cuts apart
    "柠檬酸",  # split by an OCR space in the raw text
    "吉林市外五县",  # split across a blank line in the raw text
    "坚持稳中求进，以进促稳",  # typed with ， where the text has 、
    "新质生产力",
    "高质量发展",
    "枫桥经验",
    "98.89亿元",
]


_ORACLES = {}


def sections_containing(home, needle):
    """Computed by the oracle from the archive's own text (titles, headings, paragraphs), not from the index."""
    if home.path not in _ORACLES:
        _ORACLES[home.path] = Oracle(home)
    return set(_ORACLES[home.path].counts(needle))


@pytest.mark.parametrize("q", QUERIES)
def test_quoted_hits_are_exactly_the_sections_holding_it(shared_home, q):
    expected = sections_containing(shared_home, q)
    assert expected, f"{q} should occur in the seeds"
    res = search(shared_home, f'"{q}"', limit=None)
    assert {(h.report, h.section_id) for h in res.hits} == expected
    assert res.total == len(expected)


@pytest.mark.parametrize("q", QUERIES)
def test_unquoted_hits_start_with_the_verbatim_sections(shared_home, q):
    expected = sections_containing(shared_home, q)
    res = search(shared_home, q, limit=None)
    first = [(h.report, h.section_id) for h in res.hits[:len(expected)]]
    assert set(first) == expected


def test_exact_flag_equals_quotes(shared_home):
    a = search(shared_home, "一主六双", exact=True, limit=None)
    b = search(shared_home, '"一主六双"', limit=None)
    assert [(h.report, h.section_id) for h in a.hits] == [(h.report, h.section_id) for h in b.hits]


def test_slogan_only_in_report_000(shared_home):
    res = search(shared_home, "九解一协调", limit=None)
    assert res.total >= 1 and all(h.report == SEED["000"] for h in res.hits)
    assert res.occurrences == sum(h.count for h in res.hits)


def test_quoted_ranked_by_occurrences(shared_home):
    res = search(shared_home, '"人参"', limit=None)
    counts = [h.count for h in res.hits]
    assert counts == sorted(counts, reverse=True)


@pytest.mark.parametrize("q", QUERIES + ["高质量发展 乡村振兴", "人参 OR 梅花鹿"])
def test_highlights_cover_exactly_the_query_or_its_words(shared_home, q):
    seg = shared_home.segmenter
    allowed = set()
    for term in re.sub(r"\bOR\b", " ", q).split():
        allowed.add(normalize_text(term))
        allowed.update(seg.words_of(normalize_text(term)))
    res = search(shared_home, q, limit=20)
    assert res.hits
    for h in res.hits:
        assert h.highlights, h
        for s, e in h.highlights:
            assert normalize_text(h.snippet[s:e]) in allowed
        assert len(h.snippet) <= 110


def test_highlights_are_never_merged(shared_home):
    res = search(shared_home, '"一项"', limit=None)
    for h in res.hits:
        spans = list(h.highlights)
        assert spans == sorted(spans)
        for (s1, e1), (s2, e2) in zip(spans, spans[1:]):
            assert e1 <= s2
            assert h.snippet[s1:e1] == "一项" and h.snippet[s2:e2] == "一项"


def test_boolean_and_filters(shared_home):
    both = search(shared_home, "人参 梅花鹿", limit=None)
    either = search(shared_home, "人参 OR 梅花鹿", limit=None)
    ginseng = search(shared_home, "人参", limit=None)
    not_deer = search(shared_home, "人参 NOT 梅花鹿", limit=None)
    keys = lambda r: {(h.report, h.section_id) for h in r.hits}
    assert keys(both) <= keys(ginseng) and keys(both) <= keys(either)
    assert keys(not_deer) == keys(ginseng) - keys(search(shared_home, "梅花鹿", limit=None))
    tonghua = search(shared_home, "人参 region:通化", limit=None)
    assert tonghua.hits and all(h.region == "通化市" for h in tonghua.hits)
    assert keys(search(shared_home, "人参 region:化", limit=None)) == keys(tonghua)  # part of the region, not a prefix
    year = search(shared_home, "高质量发展 year:2024", limit=None)
    assert year.hits and all(h.year == 2024 for h in year.hits)
    grouped = search(shared_home, "(人参 OR 梅花鹿) NOT region:通化", limit=None)
    assert grouped.hits and all(h.region != "通化市" for h in grouped.hits)
    heading = search(shared_home, "heading:写在前面", limit=None)
    assert {h.section for h in heading.hits} == {"写在前面"}


@pytest.mark.parametrize("q", ["桦甸市：擘画", "桦甸市:擘画"])
def test_pasted_colon_stays_text(shared_home, q):
    """A pasted title with a colon (full-width or ASCII): 桦甸市 is no field, so it is text, found
    verbatim in the title of the first seed, as the oracle says."""
    from tests.oracle import Oracle

    truth = Oracle(shared_home).counts("桦甸市：擘画")
    assert truth == {(SEED["000"], 1): 1}
    res = search(shared_home, q, limit=None)
    assert {(h.report, h.section_id) for h in res.hits if h.verbatim} == set(truth)


@pytest.mark.parametrize("q,msg", [
    ("", "empty"), ("   ", "empty"), ("，。！", "nothing to search"), ('"未闭合', "unbalanced"),
    ("OR", "OR"), ("NOT", "NOT"), ("人参 OR", "OR"), ("(人参", "parenthesis"), ("人参)", "parenthesis"),
    ("x" * 10000, "too long"), ("year:abc 人参", "year"), ("level:galaxy 人参", "level"),
])
def test_malformed_queries(shared_home, q, msg):
    with pytest.raises(QueryError, match=msg):
        search(shared_home, q)


def test_nonsense_finds_nothing(shared_home):
    res = search(shared_home, "量子引力弦论", limit=10)
    assert res.total == 0 and res.hits == ()


def _paragraph_samples():
    from archive import parse_file
    from tests.conftest import SEEDS

    out = []
    for f in sorted(SEEDS.glob("*.txt")):
        for s in parse_file(f).sections:
            out += [normalize_text(p.text) for p in s.paragraphs if len(p.text) > 10]
    return out


PARAS = _paragraph_samples()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(0, len(PARAS) - 1), st.integers(0, 10_000), st.integers(1, 10))
def test_random_substrings_find_exactly_their_sections(shared_home, i, start, length):
    para = PARAS[i]
    start = start % max(1, len(para) - length)
    needle = para[start:start + length]
    if not re.search(r"[\w\u4e00-\u9fff]", needle) or '"' in needle:
        return
    expected = sections_containing(shared_home, needle)
    res = search(shared_home, needle, exact=True, limit=None)
    assert {(h.report, h.section_id) for h in res.hits} == expected


def test_offset_maps_round_trip():
    from archive import normalize
    from index.local.store import OffsetMap, pack_offsets

    for text in ["桦甸市 全年 实施", "Ⅲ期工程……完成", "AI  Plus 计划，全文", "", "　　各位代表：\n现在"]:
        norm, offsets = normalize(text)
        packed = OffsetMap(pack_offsets(offsets))
        assert [packed[i] for i in range(len(offsets))] == offsets


@pytest.mark.parametrize("q", ["高质量发展", "人参", "九解一协调", "发展", "六双", "吉林市外五县"])
def test_a_page_is_the_head_of_the_full_ranking(shared_home, q):
    """A page is the head of the full ranking (ties broken the same way), with the same totals."""
    full = search(shared_home, q, limit=None)
    page = search(shared_home, q, limit=3)
    assert [(h.report, h.section_id) for h in page.hits] == [(h.report, h.section_id) for h in full.hits[:3]]
    assert (page.total, page.occurrences) == (full.total, full.occurrences)


def test_segment_ahead_cuts_the_query_in_a_child_exactly_as_in_process(_seeded_home, monkeypatch):
    from index import Home, segment_ahead
    from index.local import segmenter

    monkeypatch.setattr(segmenter, "_LOADED", {})  # as in a new process

    query = '营商环境 OR (九解一协调 NOT 生态文明建设) "人参"'
    ahead = Home(_seeded_home)
    segment_ahead(ahead, query)
    assert ahead._segmenting is not None  # a child is cutting
    known = ahead.segmenter.known
    assert set(known) == {"营商环境", "九解一协调", "生态文明建设"}  # unquoted terms, NOT ones too
    plain = Home(_seeded_home)
    assert known == {t: plain.segmenter.words_of(t) for t in known}
    assert ahead.segmenter._jieba is None  # this process never loaded the dictionary
    a, b = search(ahead, query, limit=None), search(plain, query, limit=None)
    assert (a.total, a.occurrences) == (b.total, b.occurrences) > (0, 0)
    assert [(h.report, h.section_id, h.score) for h in a.hits] == [(h.report, h.section_id, h.score) for h in b.hits]
    assert ahead.segmenter._jieba is None
    ahead.close()
    plain.close()
    again = Home(_seeded_home)  # this process has the dictionary now: no child is started
    segment_ahead(again, query)
    assert again._segmenting is None and again.segmenter.words_of("营商环境") == known["营商环境"]
    again.close()


def test_segment_ahead_falls_back_when_the_child_cannot_answer(tmp_path):
    from index import Home, segment_ahead

    home = Home(tmp_path / "not-a-home-yet")
    segment_ahead(home, "人参")  # no store yet: nothing is started
    assert home._segmenting is None
    broken = Home(tmp_path / "broken")
    broken.path.mkdir()
    broken.store_path.write_bytes(b"not a database")
    segment_ahead(broken, "人参")
    assert broken.segmenter.known == {}  # the child failed: words are cut here, on demand


UNDATED = "某县政府工作报告\n一、过去的工作\n人参产业稳步发展，人参种植面积扩大，梅花鹿养殖提质增效。\n"


@pytest.fixture()
def undated_home(seeded_home, tmp_path):
    """The seeds and one report of unknown year (none in its name, its text or a sidecar)."""
    from index import ingest, list_reports

    folder = tmp_path / "undated"
    folder.mkdir()
    (folder / "某县政府工作报告.txt").write_text(UNDATED, encoding="utf-8")
    assert not ingest(seeded_home, [folder]).failed
    assert [r.year for r in list_reports(seeded_home) if r.title == "某县政府工作报告"] == [None]
    return seeded_home


@pytest.mark.parametrize("sort", ["oldest", "year"])
def test_reports_of_unknown_year_come_last(undated_home, sort):
    res = search(undated_home, "人参", limit=None, sort=sort)
    verbatim = [h.year for h in res.hits if h.verbatim]
    assert None in verbatim and len(set(verbatim)) > 2  # the undated report and at least two years
    known = [y for y in verbatim if y is not None]
    assert verbatim == known + [None] * verbatim.count(None), verbatim
    assert known == sorted(known, reverse=sort == "year")


def test_kwic_puts_reports_of_unknown_year_last(undated_home):
    from index import kwic

    years = [line.year for line in kwic(undated_home, "人参").lines]
    assert years[-2:] == [None, None] and None not in years[:-2]


@pytest.fixture(scope="module")
def many_sections(tmp_path_factory):
    """One report of 260 sections (more than kwic reads in one batch), each holding 雾凇冰灯 between
    contexts drawn at random; the contexts that sort first stand in the sections read last."""
    import random

    from index import Home, ingest

    rng = random.Random(26)
    chars = "春夏秋冬东南西北山水林田湖草沙江河湖海城乡村镇街巷"
    lines = ["# 冰灯报告", ""]
    for i in range(260):
        # 一 (U+4E00) sorts before every other character here: beside the match in the last sections
        near = "一" if i >= 230 else rng.choice(chars)
        left = "".join(rng.choices(chars, k=rng.randint(1, 5))) + near
        right = near + "".join(rng.choices(chars, k=rng.randint(1, 5)))
        lines += [f"## 第{i + 1}节", "", f"{left}雾凇冰灯{right}", ""]
    folder = tmp_path_factory.mktemp("many") / "src"
    folder.mkdir()
    (folder / "冰灯报告.md").write_text("\n".join(lines), encoding="utf-8")
    home = Home(folder.parent / "home")
    assert not ingest(home, [folder]).failed
    yield home
    home.close()


@pytest.mark.parametrize("sort", ["left", "right"])
@pytest.mark.parametrize("limit", [1, 5, 40])
def test_kwic_sorted_by_context_sorts_every_line_before_it_limits(many_sections, sort, limit):
    """--sort left/right with --limit: the first `limit` lines of all of them sorted, not the sorted
    lines of the first batch read."""
    from index import kwic

    every = kwic(many_sections, "雾凇冰灯", limit=None, sort="report").lines
    assert len(every) == 260 and len({line.section_id for line in every}) == 260
    key = (lambda k: (k.left[::-1], k.match, k.right)) if sort == "left" else (lambda k: (k.right, k.match, k.left[::-1]))
    want = sorted(every, key=key)[:limit]
    got = kwic(many_sections, "雾凇冰灯", limit=limit, sort=sort)
    assert got.lines == tuple(want) and got.total == 260
    assert all(line.section_id > 230 for line in got.lines[:min(limit, 30)])  # read in the last batch


@pytest.mark.parametrize("sort", ["year", "report"])
def test_kwic_in_reading_order_stops_at_the_limit_with_the_same_lines(many_sections, sort):
    from index import kwic

    every = kwic(many_sections, "雾凇冰灯", limit=None, sort=sort).lines
    for limit in (1, 199, 200, 201, 259):
        assert kwic(many_sections, "雾凇冰灯", limit=limit, sort=sort).lines == every[:limit]


@pytest.mark.parametrize("query, terms, filters", [
    ("人参 region:吉林", ["人参"], {"region": "吉林"}),
    ('"一主 六双" OR 九解一协调 NOT 发展', ["一主 六双", "九解一协调"], {}),
    ("新质生产力 year:2025 level:city", ["新质生产力"], {"year": "2025", "level": "city"}),
    ("(人参 OR 冰雪) region:通化", ["人参", "冰雪"], {"region": "通化"}),
    ("人参 OR region:通化", ["人参"], {}),  # a filter in a branch is no filter of everything found
])
def test_terms_and_filters_read_the_query_as_search_does(query, terms, filters):
    """What the app's kwic and timeline take from a search: the parser's terms and top-level filters."""
    from index import terms_and_filters

    assert terms_and_filters(query) == (terms, filters)
