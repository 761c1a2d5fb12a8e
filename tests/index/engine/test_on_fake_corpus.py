"""The engine's public functions on the in-memory corpus (issue 33): search -e, kwic, trend, verify
and the catalogue over four made-up reports, in the inner loop. Every count is checked against the
contract's rule computed here, independently of the fake: each line (title, heading, paragraph)
normalized, then str.count — non-overlapping, never across a line or a mark the query lacks."""

from collections import Counter

import pytest

from archive import normalize_text
from index.engine.catalog import list_reports, resolve_report, show
from index.engine.concordance import kwic
from index.engine.corpus import Corpus
from index.engine.searching import search
from index.engine.trends import trend
from index.engine.verification import verify
from index.errors import NotFoundError
from tests.fakecorpus import FakeCorpus

REPORTS = [
    {"id": "国务院_2023", "title": "2023年政府工作报告", "year": 2023, "region": "全国", "level": "national",
     "url": "https://example.org/gov2023", "sections": [
         ("一、过去一年的工作", ["坚持协调发展。经济运行总体回升向好。", "城镇新增就业１２５６万人。"]),
         ("二、哈哈哈与发展经济", ["群众笑声哈哈哈哈，发展经济。", "国内生产总值增长５．２％左右。"])]},
    {"id": "广东_2024", "title": "广东省政府工作报告", "year": 2024, "region": "广东省", "level": "provincial",
     "url": None, "sections": [
         ("", ["全省地区生产总值增长647亿元，发展经济稳中求进，城镇新增就业139万人。"]),
         ("二、今年工作安排", ["推动高质量发展，经济发展再上新台阶。", "哈哈哈哈哈哈"])]},
    {"id": "浙江_2024", "title": "浙江省政府工作报告", "year": 2024, "region": "浙江省", "level": "provincial",
     "url": None, "sections": [
         ("一、发展经济", ["坚持发展经济不动摇，发展经济发展经济。", "新增就业1256万人。"])]},
    {"id": "某县_未详", "title": "某县工作报告", "year": None, "region": "某县", "level": "county", "url": None,
     "sections": [("一、展望", ["展望未来，发展经济。"])]},
]


@pytest.fixture(scope="module")
def corpus():
    return FakeCorpus(REPORTS)


def lines(report) -> list[tuple[int, int, str]]:
    """(section number, paragraph number, text) of every line, as the contract reads a section:
    the title (first section, when it is not the heading) and the heading are paragraph 0."""
    out = []
    for n, (heading, paragraphs) in enumerate(report["sections"], start=1):
        if n == 1 and report["title"] and report["title"] != heading:
            out.append((n, 0, report["title"]))
        if heading:
            out.append((n, 0, heading))
        out += [(n, k, p) for k, p in enumerate(paragraphs, start=1)]
    return out


def per_line(term: str, keep=lambda r: True) -> Counter:
    """(report, section, paragraph) → occurrences of `term`, by the printed rule."""
    needle = normalize_text(term)
    return Counter({(r["id"], n, k): normalize_text(text).count(needle)
                    for r in REPORTS if keep(r) for n, k, text in lines(r) if needle in normalize_text(text)})


def per_section(term: str, keep=lambda r: True) -> Counter:
    out = Counter()
    for (report, n, _), c in per_line(term, keep).items():
        out[(report, n)] += c
    return out


# The awkward cases: a phrase across a mark (发展。经济, 发展，经济 are not 发展经济), self-overlapping
# strings (哈哈哈哈哈哈 holds 哈哈 three times, 哈哈哈哈 holds 哈哈哈 once), one character, full-width
# digits (１２５６ = 1256), a heading and a title hit.
TERMS = ["发展经济", "发展。经济", "哈哈", "哈哈哈", "展", "1256", "１２５６", "5.2%", "政府工作报告", "经济发展"]


def test_the_fake_is_a_corpus(corpus):
    assert isinstance(corpus, Corpus)


def test_the_awkward_cases_are_what_the_contract_says():
    """The truth the tests compare with, checked by hand once."""
    assert per_section("发展经济") == {("国务院_2023", 2): 2, ("广东_2024", 1): 1, ("浙江_2024", 1): 4, ("某县_未详", 1): 1}
    assert per_section("发展。经济") == {("国务院_2023", 1): 1}
    assert per_section("哈哈") == {("国务院_2023", 2): 3, ("广东_2024", 2): 3}
    assert per_section("哈哈哈") == {("国务院_2023", 2): 2, ("广东_2024", 2): 2}
    assert per_section("1256") == per_section("１２５６") == {("国务院_2023", 1): 1, ("浙江_2024", 1): 1}


@pytest.mark.parametrize("term", TERMS)
def test_search_exact_counts_each_section_as_the_contract_does(corpus, term):
    res = search(corpus, term, exact=True, limit=None)
    truth = per_section(term)
    assert {(h.report, h.section_id): h.count for h in res.hits} == truth
    assert res.total == len(truth) and res.occurrences == sum(truth.values())
    assert res.reports_matched == len(REPORTS)


def test_search_says_which_hits_stand_in_a_heading_or_title(corpus):
    hits = {(h.report, h.section_id): h for h in search(corpus, "发展经济", exact=True, limit=None).hits}
    assert hits[("国务院_2023", 2)].in_heading and hits[("浙江_2024", 1)].in_heading
    assert not hits[("广东_2024", 1)].in_heading
    title = search(corpus, "广东省政府", exact=True).hits
    assert [(h.report, h.section_id, h.in_heading) for h in title] == [("广东_2024", 1, True)]


def test_search_filters_keep_their_reports(corpus):
    res = search(corpus, "发展经济", exact=True, limit=None, filters={"year": "2024"})
    assert {(h.report, h.section_id): h.count for h in res.hits} == per_section("发展经济", lambda r: r["year"] == 2024)
    assert res.reports_matched == 2


def test_a_phrase_across_a_mark_is_a_variant_not_a_hit(corpus):
    res = search(corpus, "发展经济", exact=True, limit=None)
    assert ("广东_2024", 2) not in {(h.report, h.section_id) for h in res.hits}  # 发展，经济
    assert ("国务院_2023", 1) not in {(h.report, h.section_id) for h in res.hits}  # 发展。经济: a sentence end
    assert [(v.text, v.occurrences, v.sections) for v in res.variants] == [("发展，经济", 1, 1)]


@pytest.mark.parametrize("term", TERMS)
def test_kwic_has_one_line_per_occurrence(corpus, term):
    conc = kwic(corpus, term)
    truth = per_line(term)
    assert conc.total == sum(truth.values()) == len(conc.lines)
    assert Counter((k.report, k.section_id, k.paragraph) for k in conc.lines) == truth
    assert all(normalize_text(k.match) == normalize_text(term) for k in conc.lines)


def test_kwic_shows_the_characters_as_printed(corpus):
    [line, _] = sorted(kwic(corpus, "1256").lines, key=lambda k: k.report)
    assert (line.report, line.left, line.match, line.right) == ("国务院_2023", "城镇新增就业", "１２５６", "万人。")


@pytest.mark.parametrize("term", TERMS)
def test_trend_counts_per_year_as_the_contract_does(corpus, term):
    [t] = trend(corpus, [term], by="year").terms
    year = {r["id"]: str(r["year"]) if r["year"] else "?" for r in REPORTS}
    truth, reports = Counter(), {}
    for (report, _), c in per_section(term).items():
        truth[year[report]] += c
        reports.setdefault(year[report], set()).add(report)
    assert {b.key: b.count for b in t.buckets} == truth
    assert {b.key: b.reports for b in t.buckets} == {k: len(v) for k, v in reports.items()}
    assert t.total == sum(truth.values())


def test_trend_names_the_first_mention_with_its_paragraph(corpus):
    [t] = trend(corpus, ["发展经济"], by="region").terms
    assert (t.first.report, t.first.section_id, t.first.paragraph) == ("国务院_2023", 2, 0)  # the heading
    assert {b.key: b.count for b in t.buckets} == {"全国": 2, "广东省": 1, "浙江省": 4, "某县": 1}


def test_verify_finds_an_exact_quote_where_it_stands(corpus):
    v = verify(corpus, "推动高质量发展，经济发展再上新台阶")
    assert v.verdict == "exact"
    assert [(m.report, m.section_id, m.paragraph) for m in v.matches] == [("广东_2024", 2, 1)]
    digits = verify(corpus, "城镇新增就业1256万人")  # the source prints full-width digits
    assert [(m.report, m.section_id, m.paragraph) for m in digits.matches if m.exact] == [("国务院_2023", 1, 2)]
    assert digits.verdict == "exact"


def test_verify_says_a_changed_figure_is_not_exact(corpus):
    v = verify(corpus, "全省地区生产总值增长674亿元")
    assert v.verdict != "exact" and v.matches
    m = v.matches[0]
    assert (m.report, m.section_id, m.paragraph) == ("广东_2024", 1, 1)
    assert [(d.quote, d.source, d.kind) for d in m.differences if d.kind == "figure"] == [("674", "647", "figure")]


def test_catalogue(corpus):
    assert [r.id for r in list_reports(corpus)] == sorted(r["id"] for r in REPORTS)
    assert [r.id for r in list_reports(corpus, {"region": "广东"})] == ["广东_2024"]
    assert [r.id for r in list_reports(corpus, {"year": "2024"}, sort="id")] == ["广东_2024", "浙江_2024"]
    assert [r.id for r in list_reports(corpus, sort="oldest")][-1] == "某县_未详"  # unknown year last
    assert resolve_report(corpus, "浙江").id == "浙江_2024"  # a unique id prefix
    assert resolve_report(corpus, "某县工作").id == "某县_未详"  # part of the title
    with pytest.raises(NotFoundError):
        resolve_report(corpus, "政府工作报告")  # three titles hold it
    for r in REPORTS:
        view = show(corpus, r["id"])
        assert (view.report, view.title, view.year) == (r["id"], r["title"], r["year"])
        assert [(s.heading, [p.text for p in s.paragraphs]) for s in view.sections] == \
            [(h, list(ps)) for h, ps in r["sections"]]
