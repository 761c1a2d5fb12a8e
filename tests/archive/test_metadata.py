"""Metadata a researcher can trust: sidecar files win, unknown stays unknown, citations carry the URL."""

import csv
import json
import re
import shutil

import pytest
from click.testing import CliRunner

from archive import parse_file
from archive import metadata
from archive.sidecar import CONGRESS_YEARS, entry_for
from cli.main import cli
from index import Home, ingest, list_reports, verify
from tests.conftest import CORPUS, SEED, SEEDS, needs_corpus

FOLDERS = ("lawtext-gov", "wikisource-national", "ropensci-national", "provincial-2025", "provincial-2026", "hailar-district")
REPORT = "（2024年1月18日在某某市第十七届人民代表大会第三次会议上）\n\n各位代表：\n\n一、2023年工作回顾\n\n我们推进“一主六双”。\n"


def write(folder, name, text=REPORT):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder / name


def sidecar_rows(folder):
    with open(CORPUS / folder / "MANIFEST.tsv", encoding="utf-8") as f:
        return {row["file"]: row for row in csv.DictReader(f, delimiter="\t")}


# -- the sidecar --------------------------------------------------------------------------------------
def test_sidecar_values_win_over_the_file_name_and_the_text(tmp_path):
    f = write(tmp_path, "省级_吉林省_2023.txt")
    (tmp_path / "metadata.csv").write_text(
        "file,title_from_filename,province,year_or_name,publish_date,source_urls\n"
        "省级_吉林省_2023.txt,2024年吉林省政府工作报告,吉林省,2024,2024-01-25,https://a.example/1 https://b.example/2\n",
        encoding="utf-8")
    r = parse_file(f)
    assert (r.title, r.region, r.year, r.level) == ("2024年吉林省政府工作报告", "吉林省", 2024, "provincial")
    assert r.urls == ("https://a.example/1", "https://b.example/2") and r.date == "2024-01-25"
    bare = parse_file(f, meta={})
    assert (bare.region, bare.year, bare.level) == ("吉林省", 2023, "provincial")  # the file name


@pytest.mark.parametrize("level,kind,region,expected", [
    ("国务院", "", "全国", "national"), ("主要城市", "", "长春市", "city"), ("主要城市", "", "北京市", "provincial"),
    ("五年规划", "", "全国", "other"), ("", "government_work_report", "", "national"),
    ("", "cpc_congress_report", "", "other"), ("", "npc_resolution_on_report", "", "other"), ("县", "", "镇赉县", "county"),
])
def test_levels_and_kinds(tmp_path, level, kind, region, expected):
    f = write(tmp_path, "国务院政府工作报告_2020.txt")
    (tmp_path / "MANIFEST.tsv").write_text(f"file\tlevel\tkind\tregion\n{f.name}\t{level}\t{kind}\t{region}\n", encoding="utf-8")
    assert parse_file(f).level == expected


def test_a_congress_number_is_its_year(tmp_path):
    f = write(tmp_path, "report.txt", "在中国共产党第十五次全国代表大会上的报告\n\n同志们：\n")
    (tmp_path / "MANIFEST.tsv").write_text("file\tkind\tyear_or_congress\nreport.txt\tcpc_congress_report\t9\n", encoding="utf-8")
    assert parse_file(f).year == 1969  # the sidecar's number wins over the title's
    assert parse_file(f, meta={}).year == 1997  # the title's, without it
    assert parse_file(f, meta={}).region == "全国"


def test_a_sidecar_without_a_file_column_is_one_failure_and_the_files_go_in(tmp_path):
    folder = tmp_path / "src"
    write(folder, "省级_吉林省_2024.txt")
    (folder / "MANIFEST.tsv").write_text("name\ttitle\n省级_吉林省_2024.txt\tX\n", encoding="utf-8")
    r = CliRunner().invoke(cli, ["--home", str(tmp_path / "h"), "ingest", str(folder), "--json"])
    doc = json.loads(r.stdout)
    assert r.exit_code == 1 and doc["added"] == ["省级_吉林省_2024"]
    assert len(doc["failed"]) == 1 and doc["failed"][0]["path"].endswith("MANIFEST.tsv") and "file" in doc["failed"][0]["error"]


def test_an_edited_sidecar_row_is_a_change_and_rebuild_needs_no_sidecar(tmp_path):
    folder = tmp_path / "src"
    write(folder, "a_2024.txt")
    write(folder, "b_2024.txt", REPORT.replace("一主六双", "九解一协调"))
    manifest = folder / "MANIFEST.tsv"
    manifest.write_text("file\ttitle\tregion\tsource_url\na_2024.txt\t甲报告\t通化市\thttps://x.example/a\n", encoding="utf-8")
    home = Home(tmp_path / "home")
    assert sorted(ingest(home, [folder]).added) == ["a_2024", "b_2024"]
    assert ingest(home, [folder]).unchanged == ("a_2024", "b_2024")
    manifest.write_text("file\ttitle\tregion\tsource_url\na_2024.txt\t甲报告（修订）\t通化市\thttps://x.example/a\n", encoding="utf-8")
    result = ingest(home, [folder])
    assert result.updated == ("a_2024",) and result.unchanged == ("b_2024",)
    manifest.unlink()
    from index import rebuild

    rebuild(home)
    info = {r.id: r for r in list_reports(home)}
    assert (info["a_2024"].title, info["a_2024"].region, info["a_2024"].url) == ("甲报告（修订）", "通化市", "https://x.example/a")
    home.close()


# -- without a sidecar: guess less --------------------------------------------------------------------
@pytest.mark.parametrize("text,region", [
    ("高举中国特色社会主义伟大旗帜\n\n为全面建设社会主义现代化国家而团结奋斗\n\n坚持马克思主义旗帜。", ""),
    ("桦甸市：擘画高质量发展精彩画卷\n\n今年，桦甸市坚持。", "桦甸市"),
    ("工作报告\n\n我们和县域经济一起发展，城乡和县域协调。", ""),
])
def test_a_region_is_a_whole_place_of_the_gazetteer(tmp_path, text, region):
    assert parse_file(write(tmp_path, "x.txt", text)).region == region


@pytest.mark.parametrize("short,full,level", [
    ("宁夏", "宁夏回族自治区", "provincial"), ("广西", "广西壮族自治区", "provincial"), ("新疆", "新疆维吾尔自治区", "provincial"),
    ("西藏", "西藏自治区", "provincial"), ("内蒙古", "内蒙古自治区", "provincial"), ("河北", "河北省", "provincial"),
    ("北京", "北京市", "provincial"), ("通化", "通化市", "city"), ("吉林", "吉林", "other"),  # 吉林省 or 吉林市: left alone
])
def test_a_shortened_region_is_named_as_the_gazetteer_names_it(tmp_path, short, full, level):
    r = parse_file(write(tmp_path, f"{short}_2025.txt"))
    assert (r.region, r.level) == (full, level)
    (tmp_path / "MANIFEST.tsv").write_text(f"file\tprovince\tyear\n{short}_2025.txt\t{short}\t2025\n", encoding="utf-8")
    assert parse_file(tmp_path / f"{short}_2025.txt").region == full


def test_files_read_under_older_rules_are_read_again(tmp_path):
    """A change of the reading rules (archive.READING) makes the next ingest read unchanged files
    again, so an archive never keeps what the old rules made of them."""
    import sqlite3

    folder = tmp_path / "src"
    write(folder, "宁夏_2025.txt")
    home = Home(tmp_path / "home")
    ingest(home, [folder])
    home.close()
    con = sqlite3.connect(tmp_path / "home" / "store.sqlite")
    con.execute("UPDATE reports SET region = '宁夏', level = 'other', sidecar = '{}'")  # as the old rules stored it
    con.commit()
    con.close()
    home = Home(tmp_path / "home")
    assert ingest(home, [folder]).updated == ("宁夏_2025",)
    assert [(r.region, r.level) for r in list_reports(home)] == [("宁夏回族自治区", "provincial")]
    assert ingest(home, [folder]).unchanged == ("宁夏_2025",)
    home.close()


def test_no_year_from_a_footer(tmp_path):
    text = "在中国共产党第九次全国代表大会上的报告\n\n同志们：\n\n我们的任务。\n\n2024年社群共识 版权所有\n"
    assert parse_file(write(tmp_path, "x.txt", text), meta={}).year == 1969
    text = "关于工作的报告\n\n同志们：\n\n我们的任务。\n\n2024年社群共识 版权所有\n"
    assert parse_file(write(tmp_path, "y.txt", text), meta={}).year is None
    assert parse_file(write(tmp_path, "z.txt", REPORT), meta={}).year == 2024  # the delivery line


def test_titles_are_never_markup(tmp_path):
    text = "</details>\n\n> 新华社北京3月13日电\n\n——1955年7月5日在第一届全国人民代表大会第二次会议上\n\n关于发展国民经济的报告\n\n正文。\n"
    assert parse_file(write(tmp_path, "x.txt", text)).title == "关于发展国民经济的报告"


# -- citations carry the URL -----------------------------------------------------------------------
def test_url_in_list_show_search_verify_and_trend(tmp_path):
    folder = tmp_path / "src"
    shutil.copytree(SEEDS, folder)
    (folder / "MANIFEST.tsv").write_text(
        "file\tyear\tsource_url\n"
        f"{SEED['000']}.txt\t2023\t\n{SEED['001']}.txt\t2023\t\n{SEED['003']}.txt\t2024\t\n"
        f"{SEED['004']}.txt\t\thttps://example.org/liaoyuan-2024\n", encoding="utf-8")
    runner, home = CliRunner(), str(tmp_path / "home")
    assert runner.invoke(cli, ["--home", home, "ingest", str(folder)]).exit_code == 0

    def run(*args):
        return runner.invoke(cli, ["--home", home, *args], env={"NO_COLOR": "1"})

    url = "https://example.org/liaoyuan-2024"
    listed = {r["id"]: r for r in json.loads(run("list", "--json").stdout)}
    assert listed[SEED["004"]]["url"] == url and listed[SEED["004"]]["urls"] == [url]
    assert listed[SEED["000"]]["url"] is None and listed[SEED["000"]]["urls"] == []
    assert json.loads(run("show", "004", "--json").stdout)["url"] == url
    hits = json.loads(run("search", "-e", "辽源", "--all", "--json").stdout)["hits"]
    assert hits and all(h["url"] == (url if h["report"] == SEED["004"] else None) for h in hits)
    doc = json.loads(run("verify", "以农业规模化、现代化推进农业工业化", "--json").stdout)
    assert doc["verdict"] == "exact" and doc["matches"][0]["url"] == url
    assert url in run("verify", "以农业规模化、现代化推进农业工业化").stdout
    assert url in run("search", "-e", "以农业规模化").stdout
    first = json.loads(run("trend", "以农业规模化", "--json").stdout)["terms"][0]["first"]
    assert first["url"] == url


# -- the shared corpus -------------------------------------------------------------------------------
@needs_corpus()
@pytest.mark.corpus
def test_corpus_every_file_has_its_sidecars_metadata():
    """All six folders, every file: what the sidecar says is what the report says."""
    checked = 0
    for folder in FOLDERS:
        for name, row in sidecar_rows(folder).items():
            meta = entry_for(CORPUS / folder / name)
            r = parse_file(CORPUS / folder / name)
            for key in ("title", "year"):
                if key in meta:
                    assert getattr(r, key) == meta[key], (folder, name, key)
            if "region" in meta:  # as the gazetteer names it (宁夏 → 宁夏回族自治区)
                assert r.region == metadata.canonical_region(meta["region"]), (folder, name)
            if folder.startswith("provincial-"):  # every province's report, filed as one
                assert (r.level, r.region in metadata.gazetteer()) == ("provincial", True), (name, r.region, r.level)
            if "level" in meta:
                assert r.level == (meta["level"] if r.region not in metadata.MUNICIPALITIES else "provincial"), name
            assert not r.title.startswith(("<", ">", "#")), name
            assert r.region in ("", "全国", meta.get("region"), metadata.from_filename(r.id).get("region")) \
                or r.region in metadata.gazetteer(), (name, r.region)
            assert r.urls == tuple(meta.get("urls", ())), name
            checked += 1
    assert checked == 3281


@needs_corpus()
@pytest.mark.corpus
def test_corpus_party_congresses_have_their_years():
    for name in sidecar_rows("wikisource-national"):
        m = re.match(r"党代会报告_(\d\d)_", name)
        if m and int(m.group(1)) >= 9:
            for meta in (None, {}):  # with the sidecar, and without it
                assert parse_file(CORPUS / "wikisource-national" / name, meta=meta).year == CONGRESS_YEARS[int(m.group(1))], name


@needs_corpus()
@pytest.mark.corpus
def test_corpus_national_years_without_sidecars_are_never_wrong(tmp_path):
    unknown = 0
    for folder, pattern in (("lawtext-gov", "国务院_*.txt"), ("wikisource-national", "*.txt")):
        rows = sidecar_rows(folder)
        files = sorted((CORPUS / folder).glob(pattern))
        assert len(files) in (59, 88)
        for f in files:
            copy = tmp_path / folder / f.name  # no MANIFEST.tsv beside it
            copy.parent.mkdir(exist_ok=True)
            shutil.copy(f, copy)
            r = parse_file(copy)
            truth = entry_for(f).get("year")
            if r.year is None:
                unknown += 1
            elif truth is not None:
                assert r.year == truth, f.name
        assert rows
    assert unknown <= 20  # the NPC resolutions that name only their session


@needs_corpus()
@pytest.mark.corpus
def test_corpus_verify_shows_the_sidecars_url(corpus_home):
    rows = {r.id: r for r in list_reports(corpus_home)}
    assert rows["云南省_2026"].url.startswith("https://www.yn.gov.cn/")
    assert rows["国务院政府工作报告_2024"].url.startswith("https://zh.wikisource.org/")
    assert rows["国务院_2024"].url is None and rows["国务院_2024"].urls == ()  # lawtext's national rows have none
    for report in ("云南省_2026", "国务院政府工作报告_2024"):
        text = corpus_home.con.execute(
            "SELECT p.text FROM paragraphs p JOIN sections s USING (sid) JOIN reports r USING (rid)"
            " WHERE r.id = ? AND length(p.text) > 60 ORDER BY s.n, p.n LIMIT 1 OFFSET 5", (report,)).fetchone()[0]
        sentence = re.split(r"(?<=[。；])", text)[0]
        v = verify(corpus_home, sentence)
        assert v.verdict == "exact"
        urls = {m.report: m.url for m in v.matches}
        assert urls[report] == rows[report].url
        assert all(u is None for r, u in urls.items() if r.startswith("国务院_"))
