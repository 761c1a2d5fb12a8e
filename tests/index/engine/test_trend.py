"""Trends: exact counts per report and bucket, first mention, near-duplicates counted once."""

import csv
import io
import json
import re
import shutil

import pytest
from click.testing import CliRunner

from archive import normalize_text
from index import Home, QueryError, ingest, trend
from tests.conftest import CORPUS, SEED, SEEDS, needs_corpus


def occurrences_per_report(home, term):
    needle = normalize_text(term)
    out = {}
    for rid, text in home.con.execute(
            "SELECT r.id, p.text FROM paragraphs p JOIN sections s USING (sid) JOIN reports r USING (rid)"):
        n = normalize_text(text).count(needle)
        if n:
            out[rid] = out.get(rid, 0) + n
    return out


@pytest.mark.parametrize("term", ["九解一协调", "一主六双", "人参"])
def test_counts_equal_the_archives_own_texts(shared_home, term):
    expected = occurrences_per_report(shared_home, term)
    assert expected
    t = trend(shared_home, [term], by="year", with_duplicates=True).terms[0]
    assert t.total == sum(expected.values()) and t.reports == len(expected)
    years = {}
    for rid, n in expected.items():
        year = shared_home.con.execute("SELECT year FROM reports WHERE id = ?", (rid,)).fetchone()[0]
        years[str(year)] = years.get(str(year), 0) + n
    assert {b.key: b.count for b in t.buckets} == years
    by_report = trend(shared_home, [term], by="region", with_duplicates=True).terms[0]
    assert sum(b.count for b in by_report.buckets) == t.total


def test_first_mention(shared_home):
    t = trend(shared_home, ["一主六双"]).terms[0]
    # earliest year, ties by report id: 2023 has 000 and 001
    assert (t.first.year, t.first.report) == (2023, SEED["000"])
    assert t.first.section == "写在前面" and t.first.paragraph == 3
    assert trend(shared_home, ["九解一协调"]).terms[0].first.report == SEED["000"]
    assert trend(shared_home, ["火星殖民"]).terms[0].first is None


def test_filters_and_per(shared_home):
    t = trend(shared_home, ["人参"], region="通化").terms[0]
    assert t.reports >= 1 and all(b.key in ("2023", "2024") for b in t.buckets)
    per = trend(shared_home, ["人参"], per=10000).terms[0]
    raw = trend(shared_home, ["人参"]).terms[0]
    assert [b.key for b in per.buckets] == [b.key for b in raw.buckets]
    assert all(p.count != r.count for p, r in zip(per.buckets, raw.buckets))
    with pytest.raises(QueryError):
        trend(shared_home, ["人参"], by="colour")


@pytest.mark.parametrize("term,by,options,keep", [
    ("发展", "year", [], lambda r: True),
    ("人参", "region", [], lambda r: True),
    ("发展", "year", ["--region", "通化"], lambda r: "通化" in r["region"]),
    ("发展", "level", ["--from", "2024"], lambda r: r["year"] >= 2024),
    ("人参", "year", ["--level", "city", "--to", "2023"], lambda r: r["level"] == "city" and r["year"] <= 2023),
])
def test_per_is_occurrences_per_n_characters_of_the_buckets_own_reports(_seeded_home, term, by, options, keep):
    """`trend --per N`: a bucket's occurrences × N ÷ the characters of the reports in that bucket
    that the filters keep (holding the term or not) — computed here by hand from what `list` and
    `search -e` show, never from the whole archive."""
    from tests.conftest import run_cli

    def doc(*args):
        r = run_cli(_seeded_home, *args, "--json")
        assert r.returncode == 0, r.stdout + r.stderr
        return json.loads(r.stdout)

    reports = {r["id"]: r for r in doc("list") if keep(r)}
    assert not any(r.get("duplicate_of") for r in reports.values())  # (none to fold among the seeds)
    counts = {}
    for hit in doc("search", "-e", term, "--all")["hits"]:
        if hit["report"] in reports:
            counts[hit["report"]] = counts.get(hit["report"], 0) + hit["count"]
    chars, found = {}, {}
    for rid, r in reports.items():
        key = str(r[by])
        chars[key] = chars.get(key, 0) + r["chars"]
        if rid in counts:
            found.setdefault(key, []).append(counts[rid])
    want = {key: (round(sum(n) * 10000 / chars[key], 3), len(n)) for key, n in found.items()}
    got = doc("trend", term, "--by", by, "--per", "10000", *options)["terms"][0]["buckets"]
    assert {b["key"]: (b["count"], b["reports"]) for b in got} == want
    assert want and (len(want) > 1 or options)


def test_trend_cli_chart_json_csv(seeded_home, tmp_path):
    from cli.main import cli

    home = str(seeded_home.path)
    seeded_home.close()
    runner = CliRunner()
    r = runner.invoke(cli, ["--home", home, "trend", "人参", "一主六双", "--by", "region"], env={"NO_COLOR": "1", "COLUMNS": "80"})
    assert r.exit_code == 0
    from rich.cells import cell_len

    assert all(cell_len(line) <= 80 for line in r.stdout.splitlines() if "首次出现" not in line)  # the chart fits
    assert "█" in r.stdout
    firsts = [line for line in r.stdout.splitlines() if "首次出现" in line]
    doc = json.loads(runner.invoke(cli, ["--home", home, "trend", "人参", "--json"]).stdout)
    # the first mention is the one citation, whole on one line (never cropped, never wrapped by us)
    assert len(firsts) == 2 and firsts[0] == "  首次出现: " + doc["terms"][0]["first"]["citation"]
    assert all(line.startswith("  首次出现: 2023年 ") and "§" in line for line in firsts)
    assert doc["by"] == "year" and set(doc["terms"][0]) == {"term", "total", "reports", "first", "buckets", "variants"}
    assert set(doc["terms"][0]["first"]) == {"report", "title", "year", "section_id", "section", "paragraph", "url", "urls",
                                             "region", "level", "date", "speaker", "subtitle", "occasion", "session", "year_source", "citation"}
    terms = tmp_path / "terms.txt"
    terms.write_text("人参\n一主六双\n\n九解一协调\n", encoding="utf-8")
    out = runner.invoke(cli, ["--home", home, "trend", "--file", str(terms), "--csv"]).stdout
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0][0] == "term" and rows[0][-1] == "total" and [r[0] for r in rows[1:]] == ["人参", "一主六双", "九解一协调"]
    assert all(len(r) == len(rows[0]) for r in rows)


def test_a_report_in_two_transcriptions_counts_once(tmp_path, seed_reports):
    from tests.conftest import SEEDS

    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEEDS / f"{SEED['000']}.txt", folder / "a_original.txt")
    text = (SEEDS / f"{SEED['000']}.txt").read_text(encoding="utf-8")
    noisy = text.replace("，", ",").replace("写在前面", "写在前面\n\n(本报讯)")  # another transcription
    (folder / "b_reprint.txt").write_text(noisy, encoding="utf-8")
    (folder / "c_other.txt").write_text((SEEDS / f"{SEED['001']}.txt").read_text(encoding="utf-8"), encoding="utf-8")
    home = Home(tmp_path / "home")
    ingest(home, [folder])
    dup = dict(home.con.execute("SELECT id, duplicate_of FROM reports WHERE id IN ('a_original', 'b_reprint', 'c_other')"))
    assert dup == {"a_original": None, "b_reprint": "a_original", "c_other": None}
    once = trend(home, ["九解一协调"]).terms[0]
    twice = trend(home, ["九解一协调"], with_duplicates=True).terms[0]
    assert twice.total == 2 * once.total and once.reports == 1


@needs_corpus()
def test_national_counts_and_duplicate_transcriptions(tmp_path):
    lawtext = sorted((CORPUS / "lawtext-gov").glob("国务院_*.txt"))
    home = Home(tmp_path / "home")
    ingest(home, lawtext)
    terms = ["高质量发展", "改革开放", "人民公社", "新质生产力", "乡村振兴"]
    before = trend(home, terms)
    for t in before.terms:
        expected = {}
        for f in lawtext:
            year = int(re.search(r"(\d{4})", f.stem).group(1))
            n = normalize_text(f.read_text(encoding="utf-8")).count(normalize_text(t.term))
            if n:
                expected[str(year)] = expected.get(str(year), 0) + n
        assert {b.key: b.count for b in t.buckets} == expected, t.term
    others = sorted((CORPUS / "wikisource-national").glob("国务院政府工作报告_*.txt")) + sorted((CORPUS / "ropensci-national").glob("*.txt"))
    ingest(home, others)
    after = trend(home, terms)
    assert [t.buckets for t in after.terms] == [t.buckets for t in before.terms]
    assert trend(home, ["新质生产力"]).terms[0].first.year == 2024


def test_every_publish_keeps_trends_equal_to_the_oracle(tmp_path):
    """After adds, a removal and a changed file (with a new heading), counts and first mentions are
    the oracle's."""
    from index import remove
    from tests.oracle import Oracle

    folder = tmp_path / "src"
    shutil.copytree(SEEDS, folder)
    home = Home(tmp_path / "home")
    names = sorted(folder.glob("*.txt"))
    ingest(home, names[:2])
    ingest(home, names[2:])
    remove(home, [names[0].stem])
    changed = names[1]
    changed.write_text(changed.read_text(encoding="utf-8").replace("\n", "\n## 新加的标题：一主六双\n", 1), encoding="utf-8")
    ingest(home, [changed])
    oracle = Oracle(home)
    for term in ("新加的标题", "一主六双", "写在前面", "发展"):
        t = trend(home, [term]).terms[0]
        assert {b.key: (b.count, b.reports) for b in t.buckets} == oracle.trend(term), term
        assert (t.first.report, t.first.section_id, t.first.paragraph) == oracle.first(term), term
    assert trend(home, ["新加的标题"]).terms[0].total == 1
    home.close()
