"""One table of filters (index.filters) through both of their translators: SQL (`store.where`) and
Solr (`solr.condition_query`, as `scope_of` sends it). Each case's reports — and for heading:, its
sections — must be the same from the store, from the cluster, and from a plain Python oracle over
the reports' metadata.

The archive is made here: small reports whose ids, titles, regions and headings hold what a filter
value may hold (LIKE's `%` and `_`, Lucene's `*`, `?`, `:`, parentheses, quotes, a backslash, a space,
Latin letters in both cases, full-width forms), so every awkward value has something to keep or to
wrongly keep. The SQL half runs in the inner loop; the Solr half needs BAOGAO_TEST_SOLR (test_solr)."""

from __future__ import annotations

import uuid

import pytest

from index import Home, ingest
from index.errors import QueryError, SolrError
from index.filters import conditions
from index.local import store

# (id, title, region, year, level as the sidecar says it, headings). Distinct bodies: no duplicates.
REPORTS = [
    ("国务院_1988", "政府工作报告", "全国", 1988, "国务院", ["过去五年的回顾", "治理经济环境"]),
    ("国务院_1990", "一九九〇年政府工作报告", "全国", 1990, "国务院", ["当前的经济形势"]),
    ("国务院_2019", "政府工作报告", "全国", 2019, "国务院", ["2018年工作回顾", "2019年GDP预期目标"]),
    ("国务院_2020", "政府工作报告（2020年）", "全国", 2020, "国务院", ["抗击疫情", "“六稳”“六保”"]),
    ("国务院_2026", "政府工作报告", "全国", 2026, "国务院", ["新质生产力"]),
    # `国务院_20` with LIKE's `_` left live would keep this one too
    ("国务院X2017", "国务院文件汇编", "全国", 2017, "国务院", ["文件目录"]),
    ("计划_2021", "关于2020年国民经济和社会发展计划执行情况的报告", "全国", 2021, "其他", ["计划执行情况", "100%完成"]),
    ("省级_吉林省_2020", "吉林省政府工作报告", "吉林省", 2020, "省级", ["2019年工作回顾", "E-Government建设"]),
    ("地市_吉林市_2021", "吉林市政府工作报告", "吉林市", 2021, "地市", ["Smart City建设", "产业_升级"]),
    ("省级_广东省_2020", "广东省政府工作报告(摘要)", "广东省", 2020, "省级", ["gdp突破11万亿元", "粤港澳大湾区"]),
    ("地市_广州市_2020", "广州市政府工作报告", "广州市", 2020, "地市", ["国际商贸中心", "Café经济"]),
    ("省级_内蒙古自治区_2021", "内蒙古自治区政府工作报告", "内蒙古自治区", 2021, "省级",
     ["“十四五”开局", "生态优先 绿色发展"]),
    ("县_海拉尔区_2022", "海拉尔区政府工作报告", "内蒙古自治区呼伦贝尔市海拉尔区", 2022, "县", ["草原牧区"]),
    ("省级_北京市_2025", "北京市政府工作报告", "北京市", 2025, "地市", ["京津冀协同发展"]),  # a municipality: provincial
    ("地市_测%试_2023", "100%完成的报告：a_b*c?d", "测%试_市", 2023, "地市", ["问答?与*号", "a:b 冒号"]),
    ("县_引号_2024", 'Report "Quoted" (EN): back\\slash', "Ｔｅｓｔ区", 2024, "县", ["ＧＤＰ（全角）", "C:\\路径"]),
    ("其他_无年份", "工作要点 Gdp", "某地", None, "其他", ["ΩMEGA计划", "附件"]),
]

# (name, filter pairs). Names are the ids the parametrized tests show.
CASES = [
    ("year single", [("year", "2020")]),
    ("year range", [("year", "2019-2021")]),
    ("year up to", [("year", "<=1990")]),
    ("year from", [("year", ">=2020")]),
    ("year none", [("year", "1700")]),
    ("level national", [("level", "national")]),
    ("level 省", [("level", "省")]),
    ("level city", [("level", "city")]),
    ("level county", [("level", "county")]),
    ("level other", [("level", "other")]),
    ("region 吉林", [("region", "吉林")]),
    ("region 广东省", [("region", "广东省")]),
    ("region 内蒙古", [("region", "内蒙古")]),
    ("region 全国", [("region", "全国")]),
    ("report id prefix", [("report", "国务院_20")]),
    ("report id prefix whole", [("report", "省级_吉林省_2020")]),
    ("report title word", [("report", "工作报告")]),
    ("report title 计划", [("report", "计划")]),
    ("heading 回顾", [("heading", "回顾")]),
    ("heading 建设", [("heading", "建设")]),
    ("region+year", [("region", "吉林"), ("year", "2020")]),
    ("level+year range", [("level", "national"), ("year", "2019-2026")]),
    ("report+region", [("report", "政府工作报告"), ("region", "内蒙古")]),
    ("heading+region", [("heading", "回顾"), ("region", "吉林")]),
    ("heading+year+level", [("heading", "建设"), ("year", ">=2021"), ("level", "city")]),
    ("region+level+report", [("region", "广"), ("level", "provincial"), ("report", "摘要")]),
    # awkward values: LIKE's and Lucene's special characters are text
    ("percent region", [("region", "%")]),
    ("percent report", [("report", "100%")]),
    ("percent heading", [("heading", "%")]),
    ("underscore region", [("region", "_")]),
    ("underscore heading", [("heading", "_")]),
    ("star", [("report", "*")]),
    ("star heading", [("heading", "*")]),
    ("question mark", [("report", "c?d")]),
    ("question heading", [("heading", "?")]),
    ("colon", [("heading", "a:b")]),
    ("colon report", [("report", ":")]),
    ("paren ascii", [("report", "(")]),
    ("paren full-width", [("report", "（")]),
    ("paren pair", [("report", "(摘要)")]),
    ("double quote", [("report", '"Quoted"')]),
    ("chinese quotes", [("heading", "“六稳”")]),
    ("backslash", [("report", "\\")]),
    ("backslash heading", [("heading", "C:\\")]),
    ("space inside", [("heading", "优先 绿色")]),
    ("space in title", [("report", "要点 Gdp")]),
    ("latin upper", [("heading", "GDP")]),
    ("latin lower", [("heading", "gdp")]),
    ("latin mixed report", [("report", "gDP")]),
    ("latin region", [("region", "test")]),
    ("latin report lower", [("report", "quoted")]),
    ("latin heading smart", [("heading", "SMART city")]),
    ("full-width latin", [("heading", "ＧＤＰ")]),
    ("full-width lower", [("heading", "ｇｄｐ")]),
    ("full-width region", [("region", "Ｔｅｓｔ")]),
    ("greek case", [("heading", "ωmega")]),
    ("greek upper", [("heading", "ΩMEGA")]),
    ("accent", [("heading", "CAFé")]),
    ("accent folded", [("heading", "cafe")]),
    ("keeps nothing", [("region", "火星")]),
    ("keeps nothing combined", [("region", "吉林"), ("year", "1990")]),
]


# -- the archive ------------------------------------------------------------------------------------
def _text(rid: str, title: str, headings: list[str]) -> str:
    body = [f"# {title}", "", f"本报告编号为{rid}，以下为各部分正文。", ""]
    for k, heading in enumerate(headings):
        body += [f"## {heading}", "", f"{rid}的第{'一二三四'[k]}部分：这里讲{heading}的情况，内容各不相同。", ""]
    return "\n".join(body)


@pytest.fixture(scope="module")
def filters_home(tmp_path_factory):
    """A home of REPORTS (ingested once per module), its path."""
    folder = tmp_path_factory.mktemp("filters") / "reports"
    folder.mkdir()
    rows = ["file\ttitle\tregion\tyear\tlevel"]
    for rid, title, region, year, level, headings in REPORTS:
        (folder / f"{rid}.txt").write_text(_text(rid, title, headings), encoding="utf-8")
        rows.append(f"{rid}.txt\t{title}\t{region}\t{year or ''}\t{level}")
    (folder / "MANIFEST.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    path = folder.parent / "home"
    home = Home(path)
    result = ingest(home, [folder])
    assert not result.failed and len(result.added) == len(REPORTS), result
    home.close()
    return path


@pytest.fixture(scope="module")
def catalogue(filters_home):
    """The reports' records (store.report_infos) and every section: (sid, report id, heading)."""
    home = Home(filters_home)
    infos = store.report_infos(home.con)
    sections = [(sid, r.id, heading) for r in infos for sid, _, heading, _, _ in store.sections_of(home.con, r.id)]
    yield home, infos, sections
    home.close()


# -- the SQL translator and the oracle ----------------------------------------------------------------
Kept = tuple  # (report ids, sids or None): the sids only where a heading: filter makes sections the unit


def sql_kept(con, pairs, sections) -> Kept:
    conds = conditions(pairs)
    report_conds = [c for c in conds if c.field != "heading"]
    heading_conds = [c for c in conds if c.field == "heading"]
    reports = {r.id for r in store.report_infos(con, report_conds)}
    if not heading_conds:
        return reports, None
    held = set(store.heading_sids(con, heading_conds))  # as index/engine/scope.py joins them
    sids = {sid for sid, rid, _ in sections if sid in held and rid in reports}
    return {rid for sid, rid, _ in sections if sid in sids}, sids


def _ascii_lower(text: str) -> str:
    # ASCII letters only: the store's LIKE folds no other case (full-width, Greek) — the schema's
    # `lc` field says the same of Solr ("ASCII case-insensitively, as SQLite's LIKE")
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in text)


def _holds(field: str, value: str) -> bool:
    return _ascii_lower(value) in _ascii_lower(field)


def oracle_kept(pairs, infos, sections) -> Kept:
    """The contract's meaning, in plain Python over the records."""
    def keeps(r, field, value):
        v = value.strip()
        if field == "year":
            [c] = conditions([(field, value)])  # the value's syntax is filters' to read
            return r.year is not None and (c.low is None or r.year >= c.low) and (c.high is None or r.year <= c.high)
        if field == "level":
            [c] = conditions([(field, value)])
            return r.level == c.text
        if field == "region":
            return _holds(r.region, v)
        if field == "report":  # an id prefix or part of the title
            return _ascii_lower(r.id).startswith(_ascii_lower(v)) or _holds(r.title, v)
        raise AssertionError(field)

    reports = {r.id for r in infos if all(keeps(r, f, v) for f, v in pairs if f != "heading")}
    headings = [v.strip() for f, v in pairs if f == "heading"]
    if not headings:
        return reports, None
    sids = {sid for sid, rid, heading in sections if rid in reports and all(_holds(heading, v) for v in headings)}
    return {rid for sid, rid, _ in sections if sid in sids}, sids


def differences(name: str, got: Kept, want: Kept, got_side: str, want_side: str) -> str:
    out = [f"case {name!r}:"]
    for what, g, w in (("reports", got[0], want[0]), ("sections", got[1], want[1])):
        if g != w:
            g, w = g or set(), w or set()
            out.append(f"{what} only {got_side}: {sorted(g - w)}; only {want_side}: {sorted(w - g)}")
    return " ".join(out)


@pytest.mark.parametrize("name,pairs", CASES, ids=[c[0] for c in CASES])
def test_sql_keeps_what_the_oracle_keeps(catalogue, name, pairs):
    home, infos, sections = catalogue
    got, want = sql_kept(home.con, pairs, sections), oracle_kept(pairs, infos, sections)
    assert got == want, differences(name, got, want, "in SQL", "in the oracle")


def test_the_archive_is_as_the_table_says(catalogue):
    """The oracle reads the records: they must hold what REPORTS wrote (the sidecar won)."""
    _, infos, sections = catalogue
    by_id = {r.id: r for r in infos}
    for rid, title, region, year, _, headings in REPORTS:
        r = by_id[rid]
        assert (r.title, r.region, r.year) == (title, region, year), rid
        assert set(headings) <= {h for _, i, h in sections if i == rid}, rid
    assert by_id["省级_北京市_2025"].level == "provincial" and by_id["其他_无年份"].level == "other"


def test_every_case_keeps_something_but_those_meant_to_keep_nothing(catalogue):
    """A table of empty answers would agree about nothing."""
    _, infos, sections = catalogue
    empty = {name for name, pairs in CASES if not oracle_kept(pairs, infos, sections)[0]}
    # (full-width, accented and Greek letters are not ASCII: no case or width of theirs folds)
    assert empty == {"year none", "keeps nothing", "keeps nothing combined", "full-width lower", "latin region",
                     "greek case", "accent folded"}


@pytest.mark.parametrize("value", ["-1990", "2020-", "2021-2019", "20x0"])
def test_open_ranges_are_written_with_comparisons(value):
    """`year:-1990` and `year:2020-` are not filters.py's syntax (the contract: `>=2020`, `<=2020`):
    refused before either translator sees them, never read as some range."""
    with pytest.raises(QueryError):
        conditions([("year", value)])


# -- the Solr translator --------------------------------------------------------------------------------
from tests.index.solr.test_solr import publish, solr_nodes  # noqa: E402,F401  (the cluster fixture, shared)


@pytest.fixture(scope="module")
def filters_on_solr(filters_home, solr_nodes):  # noqa: F811
    from index.solr.client import SolrClient

    collection = f"filters_{uuid.uuid4().hex[:8]}"
    result = publish(filters_home, solr_nodes, collection)
    assert result["published"] == len(REPORTS), result
    client = SolrClient(solr_nodes, collection)
    try:
        yield client
    finally:
        client.drop()


def solr_kept(client, pairs) -> Kept:
    from index.solr import client as solr
    from index.solr.corpus import scope_of

    conds = conditions(pairs)
    if not any(c.field == "heading" for c in conds):
        docs = client.stream(solr.REPORTS, scope_of(pairs), "report")
        return {d["report"] for d in docs}, None
    docs = list(client.stream(solr.SECTIONS, scope_of(pairs), "report,sid"))
    return {d["report"] for d in docs}, {d["sid"] for d in docs}


@pytest.mark.slow
def test_solr_keeps_what_sql_keeps(filters_on_solr, catalogue):
    """Every case in one test: the collection is published once (a few seconds), each case a query."""
    home, _, sections = catalogue
    wrong = []
    for name, pairs in CASES:
        try:
            got = solr_kept(filters_on_solr, pairs)
        except SolrError as e:  # a clause Solr cannot parse: say which, and go on to the other cases
            wrong.append(f"case {name!r}: {e}")
            continue
        want = sql_kept(home.con, pairs, sections)
        if got != want:
            wrong.append(differences(name, got, want, "in Solr", "in SQL"))
    assert not wrong, "\n".join(wrong)
