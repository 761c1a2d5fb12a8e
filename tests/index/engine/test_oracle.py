"""Differential tests: strings drawn from the archive's own text (paragraphs, headings, titles,
self-overlapping patterns, one character, figures, quotes across a heading) answered by `search`,
`trend` and `verify`, compared with the brute-force oracle — on the seeds, and on a few hundred
reports of ../shared/corpus (marked `corpus`, skipped when it is absent)."""

import random
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index import Home, first_by_region, kwic, search, trend, verify
from tests.conftest import needs_corpus
from tests.oracle import Oracle, norm

_WORDY = re.compile(r"[\w\u3400-\u9fff]")
def fixed(examples: int):
    """Fixed examples (the same cases every run, in CI too), no deadline: a case is a real search."""
    return settings(derandomize=True, deadline=None, max_examples=examples, suppress_health_check=list(HealthCheck))


def hits_of(result):
    return {(h.report, h.section_id): h.count for h in result.hits}


def searchable(needle: str) -> bool:
    return bool(_WORDY.search(needle)) and needle == needle.strip() and '"' not in needle and "'" not in needle


def same(printed: str, needle: str) -> bool:
    """A match as printed reads as the needle, a straight quote's direction aside (a quote cut out
    of its line has no partner to tell which way it faces); a printed character NFKC spells with
    several (`⑷` is `(4)`) is shown whole where the needle is part of it."""
    a, b = norm(printed).replace("”", "“"), norm(needle).replace("”", "“")
    return a == b or (len(printed) == 1 and b in a)


def check_exact(home, oracle, needle, **filters):
    """search -e, the verbatim part of an unquoted search, and trend, against the oracle."""
    truth = oracle.counts(needle, **filters)
    res = search(home, needle, exact=True, limit=None, filters=filters)
    assert hits_of(res) == truth, needle
    assert res.occurrences == sum(truth.values()) == sum(h.count for h in res.hits), needle
    check_kwic(home, oracle, needle, truth, **filters)
    folded = oracle.folded(needle, **filters)
    for h in res.hits:
        assert set(h.also_in) == folded.get(h.report, set()), needle
        for s, e in h.highlights:  # on the characters as printed
            assert same(h.snippet[s:e], needle), (needle, h.snippet[s:e])
    if not plain(needle):
        return check_trend(home, oracle, needle, res.occurrences, **filters)
    # an unquoted search: the verbatim sections first, then those holding it only as a variant, each
    # counting its printed occurrences and its variants' (the answer says they are counted)
    # (a transcription folds under its original when the original holds the term either way)
    loose = search(home, needle, limit=None, filters=filters)
    printed = oracle.counts(needle, with_duplicates=True, **filters)
    variants = oracle.variants(needle, with_duplicates=True, **filters)
    both = oracle._fold({k: printed.get(k, 0) + variants.get(k, 0) for k in set(printed) | set(variants)}, False)
    verbatim = [h for h in loose.hits if h.verbatim]
    assert loose.hits[:len(verbatim)] == tuple(verbatim)
    assert hits_of(type(loose)(loose.query, 0, 0, tuple(verbatim))) == \
        {k: n for k, n in both.items() if k in printed}, needle
    as_variant = [h for h in loose.hits if h.variant]
    assert hits_of(type(loose)(loose.query, 0, 0, tuple(as_variant))) == \
        {k: n for k, n in both.items() if k not in printed}, needle
    check_trend(home, oracle, needle, res.occurrences, **filters)


def check_kwic(home, oracle, needle, truth, **filters):
    """Every occurrence is one kwic line, in its section and paragraph, its context as printed."""
    from collections import Counter

    c = kwic(home, needle, filters=filters, width=6)
    assert dict(Counter((k.report, k.section_id) for k in c.lines)) == truth, needle
    assert c.total == len(c.lines) == sum(truth.values()), needle
    years = [(k.year is None, k.year or 0) for k in c.lines]
    assert years == sorted(years), needle  # by year, unknown years last
    for k in c.lines:
        assert same(k.match, needle), (needle, k)
        printed = [ln.text for ln in oracle.sections[(k.report, k.section_id)] if ln.paragraph == k.paragraph]
        assert any(k.left + k.match + k.right in text for text in printed), (needle, k)


def plain(needle: str) -> bool:
    """A string that is one unquoted term as typed (no query syntax in it)."""
    return not re.search(r"[\s()（）\"“”「」『』:]", needle) and needle not in ("OR", "AND", "NOT")


def check_trend(home, oracle, needle, occurrences, **filters):
    """trend with the same filters, where trend has them."""
    if set(filters) <= {"region", "level"}:
        t = trend(home, [needle], **filters).terms[0]
        assert t.total == occurrences, needle
        assert {b.key: (b.count, b.reports) for b in t.buckets} == oracle.trend(needle, **filters), needle
        first = oracle.first(needle, **filters)
        got = (t.first.report, t.first.section_id, t.first.paragraph) if t.first else None
        assert got == first, needle
        spread = first_by_region(home, needle, **filters)  # trend --first: each region's first mention
        assert [(r.region, r.mention.report, r.mention.section_id, r.mention.paragraph) for r in spread.first] == \
            oracle.first_by_region(needle, **filters), needle


def check_quote(home, oracle, quote):
    places = oracle.verbatim(quote)
    assert places, quote
    v = verify(home, quote)
    assert v.verdict == "exact", (quote, v)
    for m in v.matches:
        assert (m.report, m.section_id, m.paragraph) in places, (quote, m)


# -- the seeds -----------------------------------------------------------------------------------
def lines_of(oracle, kinds):
    return [line for lines in oracle.sections.values() for line in lines if line.kind in kinds and line.norm]


@fixed(150)
@given(data=st.data())
def test_substrings_of_paragraphs_headings_and_titles(seeds, data):
    home, oracle = seeds
    kinds = data.draw(st.sampled_from([("body", "caption", "byline", "note"), ("heading",), ("title",)]))
    line = data.draw(st.sampled_from(lines_of(oracle, kinds)))
    length = data.draw(st.integers(1, min(12, len(line.text))))
    start = data.draw(st.integers(0, len(line.text) - length))
    needle = line.text[start:start + length]  # as printed: marks at the edges and inside
    if searchable(needle):
        check_exact(home, oracle, needle)


MARKED = re.compile(r"[，、。；：！？“”《》（）—…·]")


def printed_needles(oracle, rng, k):
    """Substrings of printed lines that start at a mark, end at one, or span one."""
    lines = [ln.text for lines in oracle.sections.values() for ln in lines if MARKED.search(ln.text)]
    out = []
    while len(out) < k:
        text = rng.choice(lines)
        m = rng.choice(list(MARKED.finditer(text)))
        shape = rng.choice(("starts", "ends", "spans"))
        left = rng.randint(0, 4) if shape != "starts" else 0
        right = rng.randint(1, 4) if shape != "ends" else 0
        needle = text[max(0, m.start() - left):m.end() + right]
        if shape == "ends" and left == 0:
            continue
        if searchable(needle):
            out.append(needle)
    return out


def test_strings_at_and_across_marks(seeds):
    home, oracle = seeds
    for needle in printed_needles(oracle, random.Random(27), 80):
        check_exact(home, oracle, needle)


@pytest.mark.parametrize("needle,bare", [("发展。经济", "发展经济"), ("第六，保证", "六保"), ("坚持稳中求进、以进促稳", "稳中求进以进促稳")])
def test_no_match_across_a_mark_the_query_lacks(tmp_path, needle, bare):
    """The issue's cases, planted in a report of their own: the bare string is not found across the
    mark, the marked one is, and `，` and `、` are one comma."""
    from index import ingest

    (tmp_path / "r").mkdir()
    (tmp_path / "r" / "地市_某市_2020.txt").write_text(f"某市政府工作报告\n一、回顾\n协调{needle}越好。\n", encoding="utf-8")
    home = Home(tmp_path / "home")
    ingest(home, [tmp_path / "r"])
    oracle = Oracle(home)
    assert search(home, bare, exact=True, limit=None).occurrences == sum(oracle.counts(bare).values()) == 0
    assert search(home, needle, exact=True, limit=None).occurrences == sum(oracle.counts(needle).values()) == 1
    home.close()


@pytest.mark.parametrize("needle", ["00", "000", "0", "一一", "哈哈哈", "鹿", "6%", "6.5%", "98.89亿元", "12.1%"])
def test_self_overlapping_one_character_and_figures(seeds, needle):
    check_exact(*seeds, needle)


@pytest.mark.parametrize("filters", [{"region": "通化"}, {"level": "city"}, {"year": "2024"}, {"report": "000"},
                                     {"region": "通化", "year": ">=2024"}])
def test_filters(seeds, filters):
    for needle in ("发展", "写在前面", "人参", "0"):
        check_exact(*seeds, needle, **filters)


@fixed(60)
@given(data=st.data())
def test_quotes_verbatim_and_across_a_heading(seeds, data):
    home, oracle = seeds
    key = data.draw(st.sampled_from(sorted(k for k, lines in oracle.sections.items()
                                           if any(ln.kind == "body" and len(ln.text) >= 12 for ln in lines))))
    lines = oracle.sections[key]
    body = [ln for ln in lines if ln.kind == "body" and len(ln.text) >= 12]
    if data.draw(st.booleans()) and lines[0].kind in ("heading", "title") and lines[1:] and lines[1].kind == "body":
        quote = lines[0].text + "\n" + lines[1].text[:data.draw(st.integers(4, 40))]  # heading → body
    else:
        line = data.draw(st.sampled_from(body))
        length = data.draw(st.integers(10, min(60, len(line.text))))
        start = data.draw(st.integers(0, len(line.text) - length))
        quote = line.text[start:start + length]
    if len(re.sub(r"\W", "", quote)) >= 6:
        check_quote(home, oracle, quote)


# -- a corpus sample --------------------------------------------------------------------------------
@needs_corpus()
@pytest.mark.corpus
def test_corpus_heading_and_title_substrings_find_their_section(corpus):
    home, oracle = corpus
    rng = random.Random(3)
    heads = [ln for lines in oracle.sections.values() for ln in lines if ln.kind in ("heading", "title") and len(ln.norm) >= 4]
    for line in rng.sample(heads, 150):
        length = rng.randint(2, min(12, len(line.text)))
        start = rng.randint(0, len(line.text) - length)
        needle = line.text[start:start + length]
        if not searchable(needle):
            continue
        res = search(home, needle, exact=True, limit=None, filters={"report": line.report})
        assert line.section in {h.section_id for h in res.hits if h.report == line.report}, needle
        assert hits_of(res) == oracle.counts(needle, report=line.report), needle


@needs_corpus()
@pytest.mark.corpus
def test_corpus_exact_counts_trends_and_duplicates(corpus):
    home, oracle = corpus
    rng = random.Random(5)
    body = [ln for lines in oracle.sections.values() for ln in lines if ln.norm]
    needles = ["新质生产力", "高质量发展", "改革开放", "人民公社", "00", "一一", "碳", "%", "六稳", "营商环境",
               "）以"]  # after ⑶, which folds to （3）: the match stands as printed, ）以, never ⑶）以
    for line in rng.sample(body, 40):
        length = rng.randint(1, min(10, len(line.text)))
        start = rng.randint(0, len(line.text) - length)
        needles.append(line.text[start:start + length])
    needles += printed_needles(oracle, rng, 30)
    for needle in filter(searchable, needles):
        check_exact(home, oracle, needle)
    for filters in ({"level": "national"}, {"region": "浙江"}, {"year": "2024"}):
        check_exact(home, oracle, "新质生产力", **filters)


@needs_corpus()
@pytest.mark.corpus
def test_corpus_no_two_transcriptions_in_a_default_search(corpus):
    home, oracle = corpus
    for q in ("新质生产力", "高质量发展", '"人民公社"', "以人民为中心"):
        res = search(home, q, limit=None)
        reports = {h.report for h in res.hits}
        assert not {oracle.reports[r].duplicate_of for r in reports} & reports, q


@needs_corpus()
@pytest.mark.corpus
def test_corpus_new_quality_forces_in_the_2024_national_heading(corpus):
    home, oracle = corpus
    res = search(home, "新质生产力", exact=True, limit=None, filters={"report": "国务院_2024"})
    heads = [h for h in res.hits if h.in_heading]
    assert heads and "新质生产力" in heads[0].section
    years = {h.year for h in search(home, "新质生产力", exact=True, limit=None, filters={"level": "national"}).hits}
    assert 2024 in years


@needs_corpus()
@pytest.mark.corpus
def test_corpus_quotes_across_a_heading_are_exact(corpus):
    home, oracle = corpus
    rng = random.Random(9)
    starts = [lines for lines in oracle.sections.values()
              if lines[0].kind == "heading" and len(lines) > 1 and lines[1].kind == "body" and len(lines[1].text) > 20
              and len(lines[0].norm) >= 4]
    for lines in rng.sample(starts, 60):
        quote = lines[0].text + "\n" + re.split(r"(?<=[。；！？])", lines[1].text)[0][:60]
        check_quote(home, oracle, quote)


@pytest.mark.parametrize("quote", ["写在前面\n实干筑就伟业，奋斗开创未来。", "写在前面 实干筑就伟业，奋斗开创未来。",
                                   "（一）凝心聚力抓经济稳增长\n坚持稳中求进、以进促稳、先立后破"])
def test_a_quote_across_a_common_heading_is_found_when_every_window_is_common(seeds, monkeypatch, quote):
    """Found on the corpus: `三、全面加强政府自身建设⏎坚决对党忠诚。` — the heading stands in thousands of
    sections, so its windows say nothing, and no window of the short sentence crosses the line."""
    from index.engine import verification

    monkeypatch.setattr(verification, "_COMMON", 0)
    check_quote(*seeds, quote)
