"""Issue 31: `--xlsx` writes the rows of `--json` (read back with openpyxl), and one citation string
for a sentence wherever it is found (verify, search, kwic)."""

import json

import pytest

from tests.conftest import run_cli


def test_kwic_xlsx_holds_the_json_rows_with_numbers(_seeded_home, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    doc = json.loads(run_cli(_seeded_home, "kwic", "人参", "--json").stdout)
    out = tmp_path / "f.xlsx"
    r = run_cli(_seeded_home, "kwic", "人参", "--xlsx", out)
    assert r.returncode == 0 and r.stdout == f"wrote {len(doc['lines'])} rows to {out}\n"
    ws = openpyxl.load_workbook(out).active
    assert ws.freeze_panes == "A2"
    rows = list(ws.iter_rows(values_only=True))
    header = list(rows[0])
    assert header == list(doc["lines"][0]) and "citation" in header
    got = [{k: v for k, v in zip(header, row)} for row in rows[1:]]
    assert got == doc["lines"]  # the same rows, years, § and ¶ as numbers (None: an empty cell)
    assert all(isinstance(g["year"], int) and isinstance(g["paragraph"], int) for g in got)


@pytest.mark.parametrize("args", [("kwic", "人参"), ("trend", "人参"), ("targets",)])
def test_xlsx_with_json_or_csv_is_a_usage_error(_seeded_home, tmp_path, args):
    for other in ("--json", "--csv"):
        r = run_cli(_seeded_home, *args, "--xlsx", tmp_path / "x.xlsx", other)
        assert r.returncode == 2 and "--xlsx" in r.stdout + r.stderr
    assert not (tmp_path / "x.xlsx").exists()


def test_trend_and_targets_xlsx(_seeded_home, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    r = run_cli(_seeded_home, "trend", "人参", "发展", "--xlsx", tmp_path / "t.xlsx")
    assert r.returncode == 0 and r.stdout.startswith("wrote ")
    rows = list(openpyxl.load_workbook(tmp_path / "t.xlsx").active.iter_rows(values_only=True))
    assert rows[0][:4] == ("term", "year", "count", "reports") and isinstance(rows[1][2], int)


def test_one_citation_for_a_sentence_wherever_it_is_found(_seeded_home):
    sentence = "实干筑就伟业，奋斗开创未来。"
    v = json.loads(run_cli(_seeded_home, "verify", sentence, "--json").stdout)["matches"][0]
    hit = json.loads(run_cli(_seeded_home, "search", "-e", sentence, "--json").stdout)["hits"][0]
    line = json.loads(run_cli(_seeded_home, "kwic", sentence, "--json").stdout)["lines"][0]
    assert v["report"] == hit["report"] == line["report"]
    assert v["citation"] == hit["citation"] == line["citation"]
    c = v["citation"]
    assert c.startswith("2023年 桦甸市《") and f"[{v['report']} §{v['section_id']}]" in c and f"¶{v['paragraph']}" in c


def test_a_national_report_cites_the_state_council():
    from types import SimpleNamespace

    from cli.citation import cite

    info = SimpleNamespace(id="国务院_2024", title="政府工作报告", year=2024, region="全国", level="national",
                           url="https://www.gov.cn/x", date="2024-03-05", speaker="李强")
    assert cite(info, 4, "二、2024年政府工作任务", 7) == \
        "2024年 国务院《政府工作报告》（李强，2024年3月5日） · 二、2024年政府工作任务 · ¶7 [国务院_2024 §4] https://www.gov.cn/x"


NATIONAL_2024 = ("政府工作报告\n——2024年3月5日在第十四届全国人民代表大会第二次会议上\n国务院总理　李强\n各位代表：\n"
                 "现在，我代表国务院，向大会报告政府工作，请审议。\n一、2023年工作回顾\n"
                 "过去一年，我们坚持稳中求进工作总基调，新质生产力加快发展，经济回升向好。\n二、2024年政府工作任务\n"
                 "今年发展主要预期目标是：国内生产总值增长5%左右；城镇新增就业1200万人以上。\n")
NATIONAL_2023 = ("政府工作报告\n——2023年3月5日在第十四届全国人民代表大会第一次会议上\n国务院总理　李克强\n各位代表：\n"
                 "过去一年，我们坚持稳中求进工作总基调，经济社会大局保持稳定。\n")


@pytest.fixture(scope="module")
def national_home(tmp_path_factory):
    root = tmp_path_factory.mktemp("national")
    (root / "src").mkdir()
    (root / "src" / "国务院_2024.txt").write_text(NATIONAL_2024, encoding="utf-8")
    (root / "src" / "国务院_2023.txt").write_text(NATIONAL_2023, encoding="utf-8")
    assert run_cli(root / "home", "ingest", root / "src").returncode == 0
    return root / "home"


def test_every_record_carries_the_reports_head(national_home):
    """Issue 30: speaker, date, occasion, session, year_source reach search hits, verify matches, kwic
    lines, trend's first mentions (and --first rows), targets and new's header; the citation reads them."""
    sentence = "新质生产力加快发展"
    head = {"level": "national", "date": "2024-03-05", "speaker": "国务院总理 李强",
            "occasion": "第十四届全国人民代表大会第二次会议", "session": "第十四届全国人民代表大会第二次会议"}
    docs = {"verify": json.loads(run_cli(national_home, "verify", sentence, "--json").stdout)["matches"][0],
            "search": json.loads(run_cli(national_home, "search", "-e", sentence, "--json").stdout)["hits"][0],
            "kwic": json.loads(run_cli(national_home, "kwic", sentence, "--json").stdout)["lines"][0],
            "trend": json.loads(run_cli(national_home, "trend", sentence, "--json").stdout)["terms"][0]["first"]}
    first = json.loads(run_cli(national_home, "trend", sentence, "--first", "--json").stdout)["first"][0]
    new = json.loads(run_cli(national_home, "new", "国务院_2024", "--json").stdout)
    target = json.loads(run_cli(national_home, "targets", "gdp", "--year", "2024", "--json").stdout)["targets"][0]
    for name, doc in {**docs, "--first": first, "new": new, "targets": target}.items():
        assert {k: doc[k] for k in head} == head, name
        assert doc["year_source"], name
    citations = {d["citation"] for d in docs.values()}
    assert citations == {"2024年 国务院《政府工作报告》（李强，2024年3月5日） · 一、2023年工作回顾 · ¶1 [国务院_2024 §2]"}
    assert first["citation"] in citations


def test_the_terminal_prints_the_one_citation(national_home):
    """Issue 31: under verify's match, trend's first mention and a section shown, the same string as
    the JSON `citation`, on a line of its own (through a pipe: never wrapped)."""
    sentence = "新质生产力加快发展"
    want = json.loads(run_cli(national_home, "verify", sentence, "--json").stdout)["matches"][0]["citation"]
    assert want in run_cli(national_home, "verify", sentence).stdout.splitlines()
    assert "  首次出现: " + want in run_cli(national_home, "trend", sentence).stdout.splitlines()
    shown = run_cli(national_home, "show", "国务院_2024", "2").stdout.splitlines()
    assert want.replace(" · ¶1", "") in shown  # a section shown: no ¶


def test_piped_show_is_not_wrapped(national_home):
    """Issue 31: `show REPORT SECTION | cat`: every paragraph is one line equal, after its ¶N label, to
    a line of the source file."""
    source = set(NATIONAL_2024.splitlines())
    paragraphs = [line for line in run_cli(national_home, "show", "国务院_2024", "3").stdout.splitlines()
                  if line.startswith("¶")]
    assert paragraphs and all(line.split(None, 1)[1] in source for line in paragraphs)
