"""The archive on SolrCloud (`publish --solr`, `--solr`): every answer from the cluster equals the
local engine's and the oracle's — exact search, kwic, trend and trend --first on strings drawn from the
archive's own text, on the seeds and on the corpus sample; unquoted searches find the same sections
(ranking may differ); show, sections, list and verify answer the same. With 2 shards × 2 replicas,
stopping node 1 leaves every query answering the same through node 2; restarting it brings it back.

Needs a running cluster: BAOGAO_TEST_SOLR (the URLs `solr/cluster start` prints; .ci/run starts one
for the suite). Without it these tests are skipped — unless BAOGAO_REQUIRE_SOLR is set (CI), when
that is a failure."""

import os
import random
import re
import subprocess
import uuid
from collections import Counter

import pytest

from index import Home, LocalBackend
from tests.conftest import ROOT, needs_corpus, run_cli
from tests.oracle import Oracle

pytestmark = pytest.mark.slow
_WORDY = re.compile(r"[\w\u3400-\u9fff]")


@pytest.fixture(scope="session")
def solr_nodes():
    nodes = os.environ.get("BAOGAO_TEST_SOLR", "")
    if not nodes:
        if os.environ.get("BAOGAO_REQUIRE_SOLR"):
            pytest.fail("BAOGAO_REQUIRE_SOLR is set but BAOGAO_TEST_SOLR names no cluster")
        pytest.skip("no SolrCloud to test against (start one: BAOGAO_TEST_SOLR=$(solr/cluster start))")
    from index.solr.client import nodes_of

    return nodes_of(nodes)


def publish(home_path, nodes, collection):
    r = run_cli(home_path, "publish", "--solr", ",".join(nodes), "--collection", collection, "--json")
    assert r.returncode == 0, r.stdout + r.stderr
    return __import__("json").loads(r.stdout)


def backends(home_path, nodes, collection):
    from index import SolrBackend

    return LocalBackend(Home(home_path)), SolrBackend(nodes, collection)


@pytest.fixture(scope="module")
def seeds_on_solr(_seeded_home, solr_nodes):
    collection = f"seeds_{uuid.uuid4().hex[:8]}"
    result = publish(_seeded_home, solr_nodes, collection)
    assert (result["published"], result["deleted"], result["unchanged"]) == (5, 0, 0)
    local, remote = backends(_seeded_home, solr_nodes, collection)
    yield local, remote, Oracle(local.home)
    local.home.close()
    remote.client.drop()


def same_everywhere(local, remote, oracle, needle, **filters):
    """search -e, kwic, trend, trend --first and an unquoted search of `needle`: the cluster's
    answers equal the local engine's, and the exact counts equal the oracle's."""
    truth = oracle.counts(needle, **filters)
    got = remote.search(needle, exact=True, limit=None, filters=filters)
    assert got == local.search(needle, exact=True, limit=None, filters=filters), needle
    assert {(h.report, h.section_id): h.count for h in got.hits} == truth, needle
    both = remote.search(needle, exact=True, limit=None, filters=filters, variants=True)
    assert both == local.search(needle, exact=True, limit=None, filters=filters, variants=True), needle
    assert both.occurrences - got.occurrences == sum(oracle.variants(needle, **filters).values()), needle
    k = remote.kwic(needle, filters=filters, width=6)
    assert k == local.kwic(needle, filters=filters, width=6), needle
    assert dict(Counter((x.report, x.section_id) for x in k.lines)) == truth, needle
    if set(filters) <= {"region", "level"}:
        t = remote.trend([needle], **filters)
        assert t == local.trend([needle], **filters), needle
        assert {b.key: (b.count, b.reports) for b in t.terms[0].buckets} == oracle.trend(needle, **filters), needle
        assert remote.spread(needle, **filters) == local.spread(needle, **filters), needle
    if not re.search(r"[\s()（）\"“”「」『』:]", needle) and needle not in ("OR", "AND", "NOT"):
        loose_r = remote.search(needle, limit=None, filters=filters)
        loose_l = local.search(needle, limit=None, filters=filters)
        key = lambda res: {(h.report, h.section_id, h.count, h.verbatim, h.variant, h.snippet, h.highlights)  # noqa: E731
                           for h in res.hits}
        assert key(loose_r) == key(loose_l), needle  # the same sections, counts and snippets; scores differ
        assert (loose_r.total, loose_r.occurrences) == (loose_l.total, loose_l.occurrences), needle


def drawn(oracle, n: int, seed: int, longest: int = 12) -> list[str]:
    """`n` substrings of the archive's printed lines (titles, headings, paragraphs), seeded, and as
    many again that start at a punctuation mark, end at one or span one (test_oracle)."""
    from tests.index.engine.test_oracle import printed_needles, searchable

    rng = random.Random(seed)
    lines = [ln for lines in oracle.sections.values() for ln in lines if ln.norm]
    out = []
    while len(out) < n:
        line = rng.choice(lines)
        length = rng.randint(1, min(longest, len(line.text)))
        start = rng.randint(0, len(line.text) - length)
        needle = line.text[start:start + length]
        if searchable(needle):
            out.append(needle)
    return out + printed_needles(oracle, rng, n)


def test_seeds_drawn_strings_answer_as_locally_and_as_the_oracle(seeds_on_solr):
    local, remote, oracle = seeds_on_solr
    for needle in drawn(oracle, 120, seed=20) + ["00", "一一", "哈哈哈", "鹿", "6%", "6.5%", "98.89亿元", "六双"]:
        same_everywhere(local, remote, oracle, needle)


@pytest.mark.parametrize("filters", [{"region": "通化"}, {"level": "city"}, {"year": "2024"}, {"report": "000"},
                                     {"region": "通化", "year": ">=2024"}, {"report": "强信心"}])
def test_seeds_filters(seeds_on_solr, filters):
    local, remote, oracle = seeds_on_solr
    for needle in ("发展", "写在前面", "人参", "0"):
        same_everywhere(local, remote, oracle, needle, **filters)


@pytest.mark.parametrize("query", ["发展 NOT 高质量", "region:通化 NOT 发展", "region:通化", "heading:工作", "人参 OR 鹿茸",
                                   "(发展 OR 改革) year:2024", '"六双" report:002', "发展 NOT region:通化"])
def test_seeds_query_language(seeds_on_solr, query):
    local, remote, _ = seeds_on_solr
    got, want = remote.search(query, limit=None), local.search(query, limit=None)
    assert {(h.report, h.section_id, h.count) for h in got.hits} == {(h.report, h.section_id, h.count) for h in want.hits}
    assert got.total == want.total > 0, query


def test_seeds_show_sections_list_and_verify(seeds_on_solr):
    local, remote, _ = seeds_on_solr
    assert remote.reports() == local.reports()
    assert remote.reports({"region": "通化"}, "year") == local.reports({"region": "通化"}, "year")
    for ref in ("000", "桦甸", "002"):
        info = remote.resolve_report(ref)
        assert info == local.resolve_report(ref)
        assert remote.sections(info.id) == local.sections(info.id)
        assert remote.show(info.id) == local.show(info.id)
        view = remote.show(info.id, 2)
        assert view == local.show(info.id, 2)
        assert remote.highlights(view, "发展") == local.highlights(view, "发展")
    for quote in ("全市在线受理企业九解一协调方面各类诉求647件", "全市在线受理企业九解一协调方面各类诉求674件",
                  "聚焦“一主六双”高质量发展战略", "这句话不在任何一份报告里"):
        assert remote.verify(quote) == local.verify(quote), quote


def test_new_and_targets_answer_as_locally(seeds_on_solr):
    local, remote, _ = seeds_on_solr
    assert remote.new_phrases("002") == local.new_phrases("002")
    assert remote.new_phrases("002", "previous") == local.new_phrases("002", "previous")
    assert remote.new_phrases("002", ["000", "001"]) == local.new_phrases("002", ["000", "001"])
    assert remote.targets(("gdp", "cpi")) == local.targets(("gdp", "cpi"))
    assert remote.targets((), {"region": "通化"}) == local.targets((), {"region": "通化"})


def test_compare_answers_as_locally(seeds_on_solr):
    """compare through the engine on the cluster: the same phrases, counts and citations (the archive
    total comes from each section's count there: the Solr corpus has no cheap total)."""
    local, remote, _ = seeds_on_solr
    for target, reference in (("year:2024", "year:2023"), ("002", None)):
        want = local.compare(target, reference, min_count=2, limit=None)
        assert want.phrases and remote.compare(target, reference, min_count=2, limit=None) == want, (target, reference)


def test_diff_answers_as_locally(seeds_on_solr):
    local, remote, _ = seeds_on_solr
    want = local.diff("001", "002")
    assert want.pairs and remote.diff("001", "002") == want


def test_patterns_answer_as_locally_and_as_the_oracle(seeds_on_solr):
    """Wildcards, NEAR and --regex through the cluster (issue 38): Solr proposes the sections holding
    the pieces, the engine's expression confirms — the same hits, kwic lines and trend as the home."""
    from tests.oracle import near_regex, wildcard_regex

    local, remote, oracle = seeds_on_solr
    for query, pattern, regex in (('"发展*经济"', "发展*经济", None), ('"十?五"', "十?五", None),
                                  ("发展 NEAR/5 经济", "发展 NEAR/5 经济", None), ("", None, r"[0-9.]+%"),
                                  ("", None, r"\d+亿元")):
        want = local.search(query, limit=None, regex=regex)
        got = remote.search(query, limit=None, regex=regex)
        assert want.total and [(h.report, h.section_id, h.count) for h in got.hits] == \
            [(h.report, h.section_id, h.count) for h in want.hits], query or regex
        expr = regex or (wildcard_regex(pattern) if "NEAR" not in pattern else near_regex("发展", "经济", 5, False))
        assert want.occurrences == sum(oracle.pattern_counts(expr, regex is not None).values())
        kw = dict(pattern=True) if regex is None else dict(regex=regex)
        term = pattern or ""
        assert remote.kwic(term, **kw).lines == local.kwic(term, **kw).lines
        tw = dict(pattern=True) if regex is None else dict(regex=[regex])
        terms = [pattern] if pattern else []
        assert remote.trend(terms, **tw).terms == local.trend(terms, **tw).terms


def test_the_terminal_ui_reads_from_the_cluster(seeds_on_solr, monkeypatch):
    """The full-screen reader on the Solr backend: the hits of `search`, the reader stops at every
    occurrence of the first, and kwic, what is new and the timeline equal the local home's."""
    import asyncio

    pytest.importorskip("textual")
    from cli.ui import BaogaoApp, ReaderScreen, SearchScreen
    from index import SolrBackend
    from tests.cli.test_ui import screen_text

    local, remote, _ = seeds_on_solr
    truth = local.search("九解一协调", limit=None)
    monkeypatch.setattr(os, "fork", lambda: (_ for _ in ()).throw(AssertionError("the app forked")))

    async def scenario():
        app = BaogaoApp(lambda: SolrBackend(remote.client.nodes, remote.client.collection), None)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.press(*"九解一协调", "enter")
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert isinstance(app.screen, SearchScreen)
            assert [(h.report, h.section_id) for h in app.screen.hits] == [(h.report, h.section_id) for h in truth.hits]
            await pilot.press("enter")
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert isinstance(app.screen, ReaderScreen) and len(app.screen.matches) == truth.hits[0].count
            report = app.screen.hit.report

            async def view(*keys):
                await pilot.press(*keys)
                await pilot.pause()
                await app.workers.wait_for_complete()
                await pilot.pause()
                return app.screen

            # the research views ask the cluster what the local home answers
            kwic = await view("K")
            want = local.kwic("九解一协调", limit=None).lines
            assert [(k.report, k.section_id, k.paragraph, k.match) for k in kwic.lines] == \
                [(k.report, k.section_id, k.paragraph, k.match) for k in want]
            await view("escape", "W")  # the report has no earlier one: the cluster says so, as the home does
            with pytest.raises(Exception) as said:
                local.new_phrases(report, None, 200)
            assert str(said.value) in " ".join(screen_text(app).split())
            timeline = await view("escape", "escape", "escape", "t")
            assert timeline.trend.terms == local.trend(["九解一协调"]).terms
            await pilot.press("ctrl+q")

    asyncio.run(scenario())


def test_the_cli_reads_from_the_cluster(seeds_on_solr, solr_nodes, tmp_path):
    """--solr on a read command, with no local home at all; the same JSON as the local home's."""
    local, remote, _ = seeds_on_solr
    nodes, collection = ",".join(solr_nodes), remote.client.collection
    for args in (["search", "-e", "六双"], ["kwic", "发展"], ["trend", "发展", "--by", "region"], ["show", "桦甸", "写在前面"]):
        got = run_cli(tmp_path / "nowhere", *args, "--solr", nodes, "--collection", collection, "--json")
        want = run_cli(local.home.path, *args, "--json")
        assert (got.returncode, got.stdout) == (want.returncode, want.stdout), args
    assert not (tmp_path / "nowhere").exists()  # no local home was made


def test_publish_replaces_changed_reports_and_deletes_removed_ones(solr_nodes, tmp_path):
    import shutil

    from tests.conftest import SEEDS

    folder = tmp_path / "pages"
    shutil.copytree(SEEDS, folder)
    home = tmp_path / "home"
    assert run_cli(home, "ingest", folder).returncode == 0
    collection = f"pub_{uuid.uuid4().hex[:8]}"
    assert publish(home, solr_nodes, collection)["published"] == 5
    again = publish(home, solr_nodes, collection)
    assert (again["published"], again["deleted"], again["unchanged"]) == (0, 0, 5)
    page = next(folder.glob("000_*.txt"))
    page.write_text(page.read_text(encoding="utf-8") + "\n全新的一段话：鹦鹉螺号。\n", encoding="utf-8")
    next(folder.glob("003_*.txt")).unlink()
    assert run_cli(home, "ingest", folder, "--sync").returncode == 0
    third = publish(home, solr_nodes, collection)
    assert (third["published"], third["deleted"], third["unchanged"]) == (1, 1, 3)
    local, remote = backends(home, solr_nodes, collection)
    assert [r.id for r in remote.reports()] == [r.id for r in local.reports()]
    assert remote.search("鹦鹉螺号", exact=True) == local.search("鹦鹉螺号", exact=True)
    assert remote.search("鹦鹉螺号", exact=True).total == 1
    assert remote.search("镇赉", exact=True) == local.search("镇赉", exact=True)
    local.home.close()
    remote.client.drop()


def test_an_unreachable_cluster_is_exit_3_and_one_line(tmp_path, _seeded_home):
    r = run_cli(_seeded_home, "publish", "--solr", "http://127.0.0.1:9/solr", "--json")
    assert r.returncode == 3 and '"error"' in r.stdout and "no Solr node answered" in r.stdout
    r = run_cli(tmp_path, "search", "六双", "--solr", "http://127.0.0.1:9/solr")
    assert r.returncode == 3 and len(r.stderr.strip().splitlines()) <= 2 and "Traceback" not in r.stderr
    r = run_cli(tmp_path, "search", "六双", "--solr", "not a url")
    assert r.returncode == 3 and "is not a Solr node URL" in r.stderr


def test_publish_of_an_empty_home_says_so_and_adds_nothing(tmp_path):
    """publish reads the archive as it is: no sample pages added to an empty one on the way."""
    home = tmp_path / "empty"
    r = run_cli(home, "publish", "--solr", "http://127.0.0.1:9/solr")
    assert r.returncode == 3 and f"no archive at {home} to publish" in r.stderr, r.stderr
    assert not home.exists()


def test_a_missing_collection_says_so(solr_nodes, tmp_path):
    r = run_cli(tmp_path, "search", "六双", "--solr", ",".join(solr_nodes), "--collection", "no_such_collection")
    assert r.returncode == 3 and "no collection no_such_collection" in r.stderr, r.stderr


# -- the corpus sample ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def corpus_on_solr(corpus_home, solr_nodes):
    collection = f"corpus_{uuid.uuid4().hex[:8]}"
    result = publish(corpus_home.path, solr_nodes, collection)
    assert result["published"] >= 300
    local, remote = backends(corpus_home.path, solr_nodes, collection)
    yield local, remote, Oracle(local.home)
    local.home.close()
    remote.client.drop()


@needs_corpus()
def test_corpus_drawn_strings_answer_as_locally_and_as_the_oracle(corpus_on_solr):
    local, remote, oracle = corpus_on_solr
    needles = ["新质生产力", "高质量发展", "人民公社", "00", "一一", "碳", "六稳", "营商环境", "6.5%"]
    for needle in needles + drawn(oracle, 40, seed=21, longest=10):
        same_everywhere(local, remote, oracle, needle)
    for filters in ({"level": "national"}, {"region": "浙江"}, {"year": "2024"}):
        same_everywhere(local, remote, oracle, "新质生产力", **filters)


@needs_corpus()
def test_corpus_ranked_search_overlap(corpus_on_solr):
    """Unquoted searches: the same sections; the top 10 may differ in order (Lucene's BM25 over the
    same words, not Whoosh's) — at least half of them in common on these queries."""
    local, remote, _ = corpus_on_solr
    for q in ("营商环境", "乡村振兴", "新质生产力", "科技创新", "房地产"):
        got, want = remote.search(q, limit=None), local.search(q, limit=None)
        assert {(h.report, h.section_id) for h in got.hits} == {(h.report, h.section_id) for h in want.hits}, q
        top = lambda res: {(h.report, h.section_id) for h in res.hits[:10]}  # noqa: E731
        assert len(top(got) & top(want)) >= 5, q


# -- failover ---------------------------------------------------------------------------------------
def cluster(*args):
    r = subprocess.run([str(ROOT / "solr" / "cluster"), *args], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    return r.stdout.strip()


def answers(backend):
    return (backend.search("六双", exact=True, limit=None), backend.kwic("发展"), backend.trend(["发展", "人参"]),
            backend.show("000_65f493a2ef3dc65c"), backend.verify("全市在线受理企业九解一协调方面各类诉求674件"),
            {(h.report, h.section_id) for h in backend.search("高质量发展", limit=None).hits})


def test_stopping_node_1_leaves_every_query_answering_through_node_2(seeds_on_solr, solr_nodes):
    if os.environ.get("BAOGAO_TEST_SOLR_EXTERNAL"):
        pytest.skip("the cluster is not ours to stop")
    from index import SolrBackend

    local, remote, _ = seeds_on_solr
    want = answers(local)
    assert answers(remote) == want
    cluster("stop-node", "1")
    try:
        fresh = SolrBackend(solr_nodes, remote.client.collection)  # node 1 first in its list, and down
        assert answers(fresh) == want
        assert answers(remote) == want  # a client that had been talking to node 1
    finally:
        cluster("start-node", "1")
    remote.client.wait_active()
    only_first = SolrBackend(solr_nodes[:1], remote.client.collection)  # back: node 1 alone answers
    assert answers(only_first) == want


def test_a_collection_of_another_format_is_refused(seeds_on_solr):
    """Published before punctuation was kept (format 3), a collection would answer by the old rule:
    a reader refuses it in one line, saying to publish again."""
    import json

    from index.solr import client as solr

    _, remote, _ = seeds_on_solr
    client = remote.client
    state = json.loads(client.select({"q": f"id:{solr.STATE_ID}", "fl": "state"})["response"]["docs"][0]["state"])
    old = {**state, "format": solr.FORMAT - 1, "published": state["published"] + 1}
    client.update(json.dumps({"add": {"doc": {"id": solr.STATE_ID, "kind": "state", "state": json.dumps(old)}}}))
    client.commit()
    try:
        r = run_cli("/nonexistent-home", "search", "人参", "--solr", ",".join(client.nodes), "--collection", client.collection)
        assert r.returncode == 3 and "publish" in r.stderr.lower() and len(r.stderr.strip().splitlines()) <= 2, r.stderr
    finally:
        client.update(json.dumps({"add": {"doc": {"id": solr.STATE_ID, "kind": "state", "state": json.dumps(state)}}}))
        client.commit()
