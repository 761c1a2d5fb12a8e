"""The holes where an answer was wrong and nothing said so (issue 12), one test each, through the CLI
and compared with the oracle where there is an answer to compare."""

import json
import os
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

from cli.main import cli
from tests.conftest import ROOT, SEED, SEEDS
from tests.oracle import Oracle


@pytest.fixture()
def run(seeded_home):
    runner = CliRunner()
    home = str(seeded_home.path)
    seeded_home.close()

    def invoke(*args, input=None):
        return runner.invoke(cli, ["--home", home, *args], input=input, env={"NO_COLOR": "1"})

    invoke.home = home
    return invoke


@pytest.fixture(scope="module")
def oracle(_seeded_home):
    from index import Home

    home = Home(_seeded_home)
    try:
        return Oracle(home)
    finally:
        home.close()


def hits_of(doc):
    return {(h["report"], h["section_id"]): h["count"] for h in doc["hits"]}


# 1. Headings and titles are text: searchable, counted, quotable.
@pytest.mark.parametrize("term", ["精细化服务助企发展", "擘画高质量发展精彩画卷", "凝心聚力抓经济", "写在前面"])
def test_heading_and_title_strings_are_found(run, oracle, term):
    r = run("search", "-e", term, "--all", "--json")
    doc = json.loads(r.stdout)
    truth = oracle.counts(term)
    assert truth, "the case must have an answer"
    assert hits_of(doc) == truth
    assert doc["occurrences"] == sum(truth.values())
    assert r.exit_code == 0


def test_a_hit_in_a_heading_says_so(run):
    doc = json.loads(run("search", "-e", "精细化服务助企发展", "--json").stdout)
    (hit,) = doc["hits"]
    assert hit["in_heading"] is True and hit["section"] == "筑巢引凤 精细化服务助企发展"
    s, e = hit["highlights"][0]
    assert hit["snippet"][s:e] == "精细化服务助企发展"
    text = run("search", "-e", "精细化服务助企发展").stdout
    assert "〖精细化服务助企发展〗" in text and "in heading" in text


def test_a_title_match_belongs_to_the_first_section(run):
    doc = json.loads(run("search", "-e", "擘画高质量发展精彩画卷", "--json").stdout)
    assert [(h["report"], h["section_id"], h["in_heading"]) for h in doc["hits"]] == [(SEED["000"], 1, True)]


def test_show_highlights_headings(run):
    out = run("show", "000", "3", "--highlight", "精细化服务", "--no-pager").stdout
    assert "〖精细化服务〗" in out


def test_trend_counts_headings_once(run, oracle):
    for term in ("精细化服务助企发展", "工作安排", "发展"):
        doc = json.loads(run("trend", term, "--json").stdout)
        truth = oracle.trend(term)
        assert {b["key"]: (b["count"], b["reports"]) for b in doc["terms"][0]["buckets"]} == truth
        rep, sec, para = oracle.first(term)
        first = doc["terms"][0]["first"]
        assert (first["report"], first["section_id"], first["paragraph"]) == (rep, sec, para)


@pytest.mark.parametrize("quote", [
    "写在前面\n实干筑就伟业，奋斗开创未来。",
    "2024年工作安排 今年是中华人民共和国成立75周年",
    "（一）凝心聚力抓经济稳增长\n坚持稳中求进、以进促稳、先立后破",
])
def test_a_quote_from_a_heading_into_its_text_is_exact(run, oracle, quote):
    assert oracle.verbatim(quote)
    r = run("verify", quote, "--json")
    doc = json.loads(r.stdout)
    assert doc["verdict"] == "exact", doc
    assert r.exit_code == 0
    m = doc["matches"][0]
    assert (m["report"], m["section_id"], m["paragraph"]) in oracle.verbatim(quote)
    assert m["paragraph"] == 0 and not [d for d in m["differences"] if d["kind"] != "punctuation"]


# 2. The bundled pages never join an archive the user fills.
def test_ingest_into_a_new_home_holds_exactly_the_folder(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    for key in ("000", "004"):
        shutil.copy(SEEDS / f"{SEED[key]}.txt", folder / f"我的_{key}.txt")
    runner = CliRunner()
    home = str(tmp_path / "new")
    r = runner.invoke(cli, ["--home", home, "ingest", str(folder), "--json"])
    assert r.exit_code == 0, r.output
    listed = json.loads(runner.invoke(cli, ["--home", home, "list", "--json"]).stdout)
    assert sorted(row["id"] for row in listed) == ["我的_000", "我的_004"]


@pytest.mark.slow
def test_samples_come_with_a_first_read_and_go_with_remove_samples(tmp_path):
    env = dict(os.environ, BAOGAO_HOME=str(tmp_path / "fresh"), PYTHONPATH=str(ROOT))
    p = subprocess.run([sys.executable, "-m", "cli", "list", "--json"], capture_output=True, text=True, env=env)
    assert p.returncode == 0, p.stderr
    assert {row["id"] for row in json.loads(p.stdout)} == set(SEED.values())
    assert "baogao remove --samples" in p.stderr
    p = subprocess.run([sys.executable, "-m", "cli", "remove", "--samples", "--json"], capture_output=True, text=True, env=env)
    assert p.returncode == 0, p.stderr
    assert sorted(json.loads(p.stdout)["removed"]) == sorted(SEED.values())
    p = subprocess.run([sys.executable, "-m", "cli", "list", "--json"], capture_output=True, text=True, env=env)
    assert json.loads(p.stdout) == [] and "sample" not in p.stderr  # emptied by the user: stays empty


# 3. Inline filters work with -e too.
def test_exact_search_keeps_inline_filters(run, oracle):
    doc = json.loads(run("search", "-e", "九解一协调", "region:桦甸", "--json").stdout)
    assert hits_of(doc) == oracle.counts("九解一协调", region="桦甸") != {}
    r = run("search", "-e", "九解一协调", "region:通化", "--json")
    assert r.exit_code == 1 and json.loads(r.stdout)["total"] == 0
    doc = json.loads(run("search", "-e", "人参", "year:2024", "--all", "--json").stdout)
    assert hits_of(doc) == oracle.counts("人参", year="2024")


# 4. A filter value is text, never a pattern.
@pytest.mark.parametrize("value", ["%", "_", "通%"])
def test_filter_wildcards_are_literal(run, value):
    r = run("search", "人参", f"region:{value}", "--json")
    assert json.loads(r.stdout)["reports_matched"] == 0 and r.exit_code == 1  # no region holds it literally
    r = run("search", "人参", "--region", value, "--json")
    assert json.loads(r.stdout)["reports_matched"] == 0
    r = run("trend", "人参", "--region", value, "--json")
    assert json.loads(r.stdout)["reports_matched"] == 0


# 5. Sorting by year both ways, verbatim hits first within each.
@pytest.mark.parametrize("sort,newest_first", [("year", True), ("oldest", False)])
def test_sort_by_year_keeps_verbatim_first(run, sort, newest_first):
    doc = json.loads(run("search", "工业经济", "--sort", sort, "--all", "--json").stdout)
    verbatim = [h for h in doc["hits"] if h["verbatim"]]
    words = [h for h in doc["hits"] if not h["verbatim"]]
    assert verbatim and words
    assert doc["hits"] == verbatim + words
    for group in (verbatim, words):
        years = [h["year"] for h in group]
        assert years == sorted(years, reverse=newest_first)


# 6. One meaning of "occurrence": non-overlapping, everywhere.
@pytest.mark.parametrize("term", ["00", "0", "一一", "发展"])
def test_occurrences_equal_the_sum_of_hits_and_the_trend(run, oracle, term):
    doc = json.loads(run("search", "-e", term, "--all", "--json").stdout)
    truth = oracle.counts(term)
    assert hits_of(doc) == truth
    assert doc["occurrences"] == sum(h["count"] for h in doc["hits"]) == sum(truth.values())
    trend = json.loads(run("trend", term, "--json").stdout)
    assert trend["terms"][0]["total"] == doc["occurrences"]


# 7. The same report twice is one hit, naming the other transcription.
@pytest.fixture(scope="module")
def transcribed(tmp_path_factory):
    """The seeds plus a second transcription of 000 (one paragraph lost, spaces differ); read only."""
    tmp_path = tmp_path_factory.mktemp("transcribed")
    folder = tmp_path / "reports"
    shutil.copytree(SEEDS, folder)
    text = (SEEDS / f"{SEED['000']}.txt").read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if "稳中有进" not in ln]
    lines += ["转载说明：本文转自吉林日报。", "我们推动发展高质量。"]
    (folder / "桦甸_转载.txt").write_text("\n".join(lines).replace("桦甸市", "桦甸市 "), encoding="utf-8")
    home = str(tmp_path / "home")
    runner = CliRunner()
    assert runner.invoke(cli, ["--home", home, "ingest", str(folder)]).exit_code == 0

    def invoke(*args):
        return runner.invoke(cli, ["--home", home, *args], env={"NO_COLOR": "1"})

    from index import Home

    h = Home(home)
    invoke.oracle = Oracle(h)
    h.close()
    return invoke


def test_a_duplicate_transcription_is_folded_under_its_original(transcribed):
    listed = {r["id"]: r for r in json.loads(transcribed("list", "--json").stdout)}
    assert listed["桦甸_转载"].get("duplicate_of") == SEED["000"]
    doc = json.loads(transcribed("search", "-e", "九解一协调", "--all", "--json").stdout)
    assert hits_of(doc) == transcribed.oracle.counts("九解一协调")
    assert {h["report"] for h in doc["hits"]} == {SEED["000"]}
    assert all(h["also_in"] == ["桦甸_转载"] for h in doc["hits"])
    assert doc["occurrences"] == sum(transcribed.oracle.counts("九解一协调").values())
    every = json.loads(transcribed("search", "-e", "九解一协调", "--all", "--with-duplicates", "--json").stdout)
    assert hits_of(every) == transcribed.oracle.counts("九解一协调", with_duplicates=True)
    assert {h["report"] for h in every["hits"]} == {SEED["000"], "桦甸_转载"}
    assert "also in 桦甸_转载" in transcribed("search", "-e", "九解一协调").stdout
    # unquoted too
    doc = json.loads(transcribed("search", "九解一协调", "--all", "--json").stdout)
    assert "桦甸_转载" not in {h["report"] for h in doc["hits"]}


def test_a_duplicate_is_kept_where_its_original_does_not_match(transcribed):
    doc = json.loads(transcribed("search", "-e", "转载说明", "--json").stdout)
    assert {h["report"] for h in doc["hits"]} == {"桦甸_转载"} and doc["hits"][0]["also_in"] == []
    trend = json.loads(transcribed("trend", "九解一协调", "--json").stdout)
    assert trend["terms"][0]["total"] == sum(transcribed.oracle.counts("九解一协调").values())
    # verbatim in the transcription, only the words (发展, 高质量) in the original: not folded
    doc = json.loads(transcribed("search", "发展高质量", "--all", "--json").stdout)
    verbatim = {(h["report"], h["section_id"]): h["count"] for h in doc["hits"] if h["verbatim"]}
    assert verbatim == transcribed.oracle.counts("发展高质量") != {}


# 9. A damaged index says so, in JSON too, and points to check/rebuild.
def test_a_damaged_segment_is_one_line_with_a_hint(run):
    from pathlib import Path

    seg = next((Path(run.home) / "segments").iterdir())
    (seg / "text.u8").unlink()
    r = run("search", "-e", "人参", "--json")
    assert r.exit_code == 3
    doc = json.loads(r.stdout)
    assert "rebuild" in doc["hint"] and "segment" in doc["error"]
    r = run("search", "-e", "人参")
    assert r.exit_code == 3 and "baogao rebuild" in r.output and "Errno" not in r.output
    assert run("rebuild").exit_code == 0
    assert run("search", "-e", "人参").exit_code == 0


# 10. verify - says which lines it could not check.
def test_verify_batch_reports_unusable_lines(run):
    r = run("verify", "-", input="全市在线受理企业“九解一协调”方面各类诉求647件\n，。\n")
    assert r.exit_code == 2
    assert "，。" in r.stdout and "nothing to check" in r.stdout
    r = run("verify", "-", "--json", input="全市在线受理企业“九解一协调”方面各类诉求647件\n，。\n")
    rows = [json.loads(x) for x in r.stdout.splitlines()]
    assert rows[0]["verdict"] == "exact" and "error" in rows[1]
    assert r.exit_code == 2


# 11. A closed pipe ends quietly with the exit code the results earned.
@pytest.mark.slow
@pytest.mark.parametrize("args,code", [(["search", "人参"], 0), (["search", "人参", "--json"], 0),
                                       (["list"], 0), (["search", "量子引力弦论"], 1)])
def test_a_closed_pipe_is_quiet(run, args, code):
    env = dict(os.environ, PYTHONPATH=str(ROOT), NO_COLOR="1")
    r, w = os.pipe()
    os.close(r)  # the reader is gone before the first line is written (as `| head -0`)
    p = subprocess.run([sys.executable, "-m", "cli", "--home", run.home, *args], stdout=w, stderr=subprocess.PIPE,
                       text=True, env=env)
    os.close(w)
    assert p.stderr == ""
    assert p.returncode == code


def test_rebuild_brings_a_format_1_home_up_to_date(run, oracle):
    """Format 1 held paragraphs only: its offset maps lack the head lines. Readers refuse it with the
    fix; rebuild migrates it, and every answer is the oracle's again."""
    import sqlite3

    from index import sectiontext
    from index.local import store

    con = sqlite3.connect(f"{run.home}/store.sqlite")
    rows = con.execute("SELECT sid, text FROM paragraphs ORDER BY sid, n").fetchall()
    by_sid = {}
    for sid, text in rows:
        by_sid.setdefault(sid, []).append(text)
    with con:
        for (sid,) in con.execute("SELECT sid FROM sections").fetchall():
            con.execute("UPDATE sections SET offsets = ? WHERE sid = ?",
                        (store.pack_offsets(sectiontext.normalized(by_sid.get(sid, []))[1]), sid))
        con.execute("UPDATE meta SET value = '1' WHERE key = 'format'")
    con.close()
    r = run("search", "-e", "人参")
    assert r.exit_code == 3 and "older format" in r.output and "baogao rebuild" in r.output
    assert run("rebuild").exit_code == 0
    for term in ("精细化服务助企发展", "人参", "写在前面"):
        doc = json.loads(run("search", "-e", term, "--all", "--json").stdout)
        assert hits_of(doc) == oracle.counts(term)
        for h in doc["hits"]:
            assert [h["snippet"][s:e] for s, e in h["highlights"]] == [term] * len(h["highlights"])
    assert json.loads(run("check", "--json").stdout)["ok"] is True


def test_a_format_2_home_is_refused_with_the_fix_and_rebuild_folds_it(run, oracle):
    """Format 3 folds traditional characters in the indexes: a format-2 home is refused by readers
    with the fix, and rebuild brings it up to date from its store."""
    import sqlite3

    con = sqlite3.connect(f"{run.home}/store.sqlite")
    with con:
        con.execute("UPDATE meta SET value = '2' WHERE key = 'format'")
    con.close()
    r = run("search", "-e", "人参")
    assert r.exit_code == 3 and "older format" in r.output and "baogao rebuild" in r.output
    assert run("rebuild").exit_code == 0
    doc = json.loads(run("search", "-e", "人參", "--all", "--json").stdout)  # traditional query, simplified text
    assert hits_of(doc) == oracle.counts("人参") != {}
    assert json.loads(run("check", "--json").stdout)["ok"] is True
