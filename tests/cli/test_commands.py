"""Every command through click's CliRunner: text and --json, exit codes, errors."""

import io
import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner
from rich.console import Console

from cli.main import cli
from tests.conftest import ROOT, SEED


@pytest.fixture()
def run(seeded_home):
    runner = CliRunner()
    home = str(seeded_home.path)
    seeded_home.close()

    def invoke(*args, input=None, env=None):
        return runner.invoke(cli, ["--home", home, *args], input=input, env=env or {"NO_COLOR": "1"})

    invoke.home = home
    return invoke


def test_search_slogan(run):
    r = run("search", "九解一协调", "--json")
    assert r.exit_code == 0
    doc = json.loads(r.stdout)
    assert set(doc) == {"query", "total", "occurrences", "reports_matched", "variants", "hits"}
    assert doc["hits"] and all(h["report"] == SEED["000"] for h in doc["hits"])
    h = doc["hits"][0]
    assert set(h) == {"report", "title", "region", "year", "section_id", "section", "path", "score", "count",
                      "snippet", "highlights", "text", "verbatim", "variant", "in_heading", "also_in", "url", "urls",
                      "level", "date", "speaker", "subtitle", "occasion", "session", "year_source", "matches", "citation"}
    for s, e in h["highlights"]:
        assert h["snippet"][s:e] == "九解一协调"
    text = run("search", "九解一协调")
    assert text.exit_code == 0
    assert "〖九解一协调〗" in text.stdout and "桦甸市" in text.stdout


def test_search_rest_of_line_is_the_query(run):
    r = run("search", "人参", "OR", "梅花鹿", "--json")
    assert json.loads(r.stdout)["query"] == "人参 OR 梅花鹿"


def test_search_nonsense_exits_1_with_no_hits(run):
    r = run("search", "量子引力弦论", "--json")
    assert r.exit_code == 1
    assert json.loads(r.stdout)["hits"] == []


@pytest.mark.parametrize("args,code,needle", [
    (["search", '"未闭合'], 2, "unbalanced"),
    (["search", "OR"], 2, "OR"),
    (["search", "人参", "--limit", "0"], 2, "--limit"),
    (["search", "人参", "--limit", "-1"], 2, "--limit"),
    (["show", "nosuchreport"], 2, "no report"),
    (["show", "000", "社会治理"], 2, "no section"),
])
def test_user_errors_get_one_line_and_exit_code(run, args, code, needle):
    r = run(*args)
    assert r.exit_code == code
    assert needle in r.output
    assert "Traceback" not in r.output


def test_json_errors_are_documents(run):
    r = run("search", "OR", "--json")
    assert r.exit_code == 2
    doc = json.loads(r.stdout)
    assert set(doc) == {"error", "hint"}


def test_show_section_by_heading(run):
    r = run("show", "000", "写在前面", "--json")
    assert r.exit_code == 0
    doc = json.loads(r.stdout)
    assert doc["report"] == SEED["000"]
    assert doc["sections"][0]["heading"] == "写在前面"
    assert [p["n"] for p in doc["sections"][0]["paragraphs"]] == list(range(1, len(doc["sections"][0]["paragraphs"]) + 1))
    text = run("show", "000", "写在前面", "--no-pager")
    assert "¶1" in text.stdout and "¶3" in text.stdout and "写在前面" in text.stdout


def test_show_by_region_and_plan(run):
    r = run("show", "004", "工作安排", "--json")
    doc = json.loads(r.stdout)
    assert doc["sections"][0]["heading"] == "二、2024年工作安排"
    assert len(doc["sections"]) == 11  # with its ten subsections
    r = run("show", "桦甸", "写在前面", "--json")
    assert json.loads(r.stdout)["report"] == SEED["000"]


def test_show_ambiguous_section_lists_candidates(run):
    r = run("show", "002", "社会治理和稳定")
    assert r.exit_code == 2
    assert "ambiguous" in r.output and r.output.count("社会治理和稳定") >= 3


def test_show_highlight(run):
    r = run("show", "000", "写在前面", "--highlight", "九解一协调")
    assert "〖九解一协调〗" in r.stdout


def test_list_and_sections(run):
    r = run("list", "--json")
    rows = json.loads(r.stdout)
    assert {row["id"] for row in rows} == set(SEED.values())
    assert all(set(row) == {"id", "title", "region", "year", "level", "sections", "chars", "file", "url", "urls", "date",
                                 "subtitle", "speaker", "occasion", "session", "year_source"}
               for row in rows)  # (no duplicate among the seeds: no duplicate_of)
    r = run("list")
    assert "桦甸市" in r.stdout
    r = run("sections", "002", "--json")
    secs = json.loads(r.stdout)
    assert any(s["heading"] == "2024年工作安排" for s in secs)
    assert set(secs[0]) == {"id", "heading", "level", "path"}


@pytest.mark.parametrize("args,keep", [
    (["region:通化"], lambda r: "通化" in r["region"]),
    (["region:化"], lambda r: "化" in r["region"]),  # "part of the region": from its middle too
    (["--region", "甸市"], lambda r: "甸市" in r["region"]),
    (["--region", "通化", "year:2024"], lambda r: "通化" in r["region"] and r["year"] == 2024),
    (["year:2020-2023"], lambda r: r["year"] is not None and 2020 <= r["year"] <= 2023),
    (["--year", ">=2024", "--level", "county"], lambda r: r["year"] and r["year"] >= 2024 and r["level"] == "county"),
    (["report：00"], lambda r: r["id"].startswith("00")),  # a full-width colon, as an IME types it
])
def test_list_filters_keep_what_the_filter_says(run, args, keep):
    everything = json.loads(run("list", "--json").stdout)
    rows = json.loads(run("list", *args, "--json").stdout)
    assert [r["id"] for r in rows] == [r["id"] for r in everything if keep(r)] and rows


def test_list_sorts_and_says_nothing_matched(run):
    rows = json.loads(run("list", "--sort", "oldest", "--json").stdout)
    assert [r["year"] for r in rows] == sorted(r["year"] for r in rows)
    r = run("list", "year:1800")
    assert r.exit_code == 1 and "no report matches year:1800" in r.stderr
    for bad in (["heading:工作"], ["吉林"], ["region:a", "--region", "b"], ["level:town"]):
        r = run("list", *bad)
        assert r.exit_code == 2, bad


def test_list_is_one_line_per_report_at_80_columns(run, tmp_path):
    import shutil

    # a report with a long id and a long title: cropped, never wrapped
    folder = tmp_path / "long"
    folder.mkdir()
    shutil.copy(ROOT / "seeds" / "001_753262a5c116b1c6.txt", folder / ("很长的报告编号" * 4 + ".txt"))
    assert run("ingest", str(folder)).exit_code == 0
    r = run("list", env={"NO_COLOR": "1", "COLUMNS": "80"})
    lines = r.stdout.splitlines()
    from rich.cells import cell_len

    assert len(lines) == 1 + 6 + 1 and lines[-1] == "6 reports (1 duplicate transcription)"  # header, 1 each, count
    assert all(cell_len(line) <= 80 for line in lines)
    assert any("…" in line for line in lines)  # the long id, shortened
    assert run("list", "region:桦甸").stdout.splitlines()[-1] == "1 report"


@pytest.mark.parametrize("environ,colours,less", [
    ({}, True, "FRX"),  # as git: colours, quit if one screen
    ({"LESS": "-i"}, False, "-i"),  # the user's LESS without -R: plain text
    ({"LESS": "-iR"}, True, "-iR"),
    ({"PAGER": "more"}, False, None),
    ({"PAGER": "less -R", "LESS": "i"}, True, "i"),
    ({"PAGER": "/usr/bin/less"}, True, "FRX"),
])
def test_the_pager_gets_colours_only_where_it_shows_them(environ, colours, less):
    from cli.app import pager_shows_colours

    assert pager_shows_colours(environ) is colours
    assert environ.get("LESS") == less


def test_ingest_remove_rebuild_compact_check(run, tmp_path):
    f = tmp_path / "我的报告_2024.md"
    f.write_text("# 我的报告\n\n## 一、工作回顾\n\n我们推进“九解一协调”改革。\n", encoding="utf-8")
    r = run("ingest", str(tmp_path), "--json")
    assert r.exit_code == 0
    assert json.loads(r.stdout)["added"] == ["我的报告_2024"]
    r = run("ingest", str(tmp_path))
    assert "unchanged 1" in r.stdout
    assert run("remove", "我的报告", "--json").stdout.strip() == json.dumps({"removed": ["我的报告_2024"]}, ensure_ascii=False)
    doc = json.loads(run("rebuild", "--json").stdout)
    assert doc["reports"] == 5 and set(doc) == {"reports", "sections", "seconds"}
    doc = json.loads(run("compact", "--json").stdout)
    assert set(doc) == {"segments_before", "segments_after"}
    r = run("check", "--json")
    assert r.exit_code == 0 and json.loads(r.stdout)["ok"] is True


def test_ingest_reports_bad_files_and_keeps_the_rest(run, tmp_path):
    (tmp_path / "good.txt").write_text("好报告\n\n这是正文，讲了“一主六双”战略。\n", encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    r = run("ingest", str(tmp_path), "--json")
    assert r.exit_code == 1
    doc = json.loads(r.stdout)
    assert doc["added"] == ["good"]
    assert doc["failed"][0]["path"].endswith("bad.txt") and "PNG" in doc["failed"][0]["error"]


def test_markup_in_report_text_is_shown_literally(run, tmp_path):
    (tmp_path / "markup.txt").write_text("标记\n\n文中有[bold]注[/]和\x1b[31m红色\x1b[0m字样，照原样显示。\n", encoding="utf-8")
    assert run("ingest", str(tmp_path)).exit_code == 0
    r = run("show", "markup", "--no-pager")
    assert r.exit_code == 0
    assert "[bold]注[/]" in r.stdout
    assert "\x1b" not in r.stdout and "␛[31m" in r.stdout
    r = run("search", "注", "--report", "markup")
    assert "[bold]" in r.stdout and "\x1b" not in r.stdout


def test_every_control_character_is_made_visible():
    """C0 (but the line break), DEL, C1 (CSI U+009B is ESC [ in one byte to some terminals, NEL
    U+0085 a line break) and the bidi overrides and isolates: `safe` passes none of them on, and a
    rendered line holding them all prints none."""
    from cli.shown import lit
    from cli.visible import safe
    from tests.conftest import RAW_CONTROLS, raw_controls

    for ch in sorted(RAW_CONTROLS):
        assert raw_controls(safe(f"前{ch}后")) == [], f"U+{ord(ch):04X}"
    console = Console(file=io.StringIO(), width=200, markup=False, color_system=None)
    console.print(lit(console, "".join(sorted(RAW_CONTROLS)) + "人参", [(len(RAW_CONTROLS), len(RAW_CONTROLS) + 2)]))
    assert raw_controls(console.file.getvalue()) == []


def test_verify_command(run):
    r = run("verify", "全市在线受理企业“九解一协调”方面各类诉求647件", "--json")
    assert r.exit_code == 0 and json.loads(r.stdout)["verdict"] == "exact"
    r = run("verify", "全市在线受理企业“九解一协调”方面各类诉求674件")
    assert r.exit_code == 1
    assert "有出入" in r.stdout and "674 → 647" in r.stdout and "¶" in r.stdout
    r = run("verify", "-", "--json", input="同比增长45.41%\nhello world\n")
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    assert [x["verdict"] for x in lines] == ["exact", "not_found"]
    assert r.exit_code == 1


def test_render_measures_cjk_in_cells():
    from rich.cells import cell_len

    from cli.render.reading import hit_block
    from index.model import Hit

    console = Console(file=io.StringIO(), width=40, markup=False, color_system=None)
    hit = Hit("r", "乡村振兴" * 3, "通化市", 2024, 1, "写在前面", ("写在前面",), 1.0, 1, "推进乡村振兴战略" * 3,
              ((2, 6),), "")
    console.print(hit_block(console, 1, hit))
    for line in console.file.getvalue().splitlines():
        assert cell_len(line) <= 40


@pytest.mark.slow
def test_python_m_cli_with_a_fresh_home_uses_the_bundled_seeds(tmp_path):
    env = dict(os.environ, BAOGAO_HOME=str(tmp_path / "fresh"), PYTHONPATH=str(ROOT))
    p = subprocess.run([sys.executable, "-m", "cli", "search", "一主六双", "--json"], capture_output=True,
                       text=True, env=env, cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    assert doc["total"] > 0
    assert "bundled sample pages" in p.stderr and "baogao remove --samples" in p.stderr


def test_no_arguments_without_a_terminal_prints_help(run):
    r = run()
    assert r.exit_code == 0 and "Usage" in r.output


def test_ui_without_a_terminal_says_so(tmp_path):
    from tests.conftest import run_cli

    r = run_cli(tmp_path / "home", "ui")
    assert r.returncode == 2 and "baogao ui needs a terminal" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize("pager,escapes", [("more", False), ("", True)])
def test_show_pages_long_output_plain_with_marks_or_in_colour(seeded_home, monkeypatch, capsys, pager, escapes):
    from cli.app import App
    from cli.render.layout import PipeConsole
    from cli.render.reading import render_show
    from index import LocalBackend

    monkeypatch.delenv("LESS", raising=False)
    monkeypatch.setenv("PAGER", pager) if pager else monkeypatch.delenv("PAGER", raising=False)
    monkeypatch.delenv("MANPAGER", raising=False)
    app = App(str(seeded_home.path))
    app.console = PipeConsole(force_terminal=True, width=80, height=10, color_system="standard")
    backend = LocalBackend(seeded_home)
    view = backend.show("000_65f493a2ef3dc65c", 1)
    app.page(lambda: render_show(app.console, view, backend.highlights(view, "九解一协调")))
    out = capsys.readouterr().out  # pydoc pages to stdout when it is not a terminal
    assert "全市在线受理企业" in out and out.count("\n") > 10
    assert ("\x1b[" in out) is escapes
    assert ("〖九解一协调〗" in out) is not escapes


def test_kwic_csv_round_trips_and_equals_json(run):
    import csv

    doc = json.loads(run("kwic", "人参", "--json").stdout)
    assert set(doc) == {"term", "total", "reports_matched", "variants", "lines"} and doc["total"] == len(doc["lines"]) > 0
    rows = list(csv.DictReader(io.StringIO(run("kwic", "人参", "--csv").stdout)))
    assert len(rows) == doc["total"]
    for row, line in zip(rows, doc["lines"]):
        assert row == {k: "" if v is None else str(v) for k, v in line.items() if k != "citation"}
    limited = json.loads(run("kwic", "人参", "--limit", "3", "--json").stdout)
    assert limited["total"] == doc["total"] and limited["lines"] == doc["lines"][:3]
    filtered = json.loads(run("kwic", "人参", "region:通化", "year:2024", "--json").stdout)
    assert filtered["lines"] == [x for x in doc["lines"] if "通化" in x["region"] and x["year"] == 2024]


def test_kwic_aligns_every_match_in_one_column_at_80(run):
    from rich.cells import cell_len

    r = run("kwic", "人参", env={"NO_COLOR": "1", "COLUMNS": "80"})
    lines = r.stdout.splitlines()
    assert r.exit_code == 0 and lines[0] == "人参 — 14 occurrences"
    columns = {cell_len(line[:line.index("〖")]) for line in lines[1:]}
    assert len(lines) == 15 and len(columns) == 1
    assert all(cell_len(line) <= 80 for line in lines)
    by_right = json.loads(run("kwic", "人参", "--sort", "right", "--json").stdout)["lines"]
    assert [x["right"] for x in by_right] == sorted(x["right"] for x in by_right)
    by_left = json.loads(run("kwic", "人参", "--sort", "left", "--json").stdout)["lines"]
    assert [x["left"][::-1] for x in by_left] == sorted(x["left"][::-1] for x in by_left)


def test_kwic_nothing_and_bad_input(run):
    r = run("kwic", "不存在的提法")
    assert r.exit_code == 1 and "0 occurrences" in r.stdout
    assert run("kwic", "人参", "--width", "0").exit_code == 2
    assert run("kwic", "region:通化").exit_code == 2  # only filters: nothing to look for
    assert run("kwic", "人参", "year:20x").exit_code == 2


def test_trend_first_per_region(run):
    doc = json.loads(run("trend", "人参", "--first", "--json").stdout)
    assert doc["term"] == "人参" and [r["region"] for r in doc["first"]] == ["通化市", "辽源市"]
    assert set(doc) == {"term", "first"}
    assert set(doc["first"][0]) == {"region", "level", "year", "date", "report", "title", "section_id", "section",
                                    "paragraph", "url", "speaker", "subtitle", "occasion", "session", "year_source",
                                    "citation"}
    years = [r["year"] for r in doc["first"]]
    assert years == sorted(years)
    r = run("trend", "人参", "--first", env={"NO_COLOR": "1", "COLUMNS": "80"})
    assert r.exit_code == 0 and "通化市" in r.stdout
    assert run("trend", "不存在的提法", "--first").exit_code == 1
    assert run("trend", "人参", "六稳", "--first").exit_code == 2


def test_new_json_and_errors(run):
    doc = json.loads(run("new", "002", "--json").stdout)
    assert set(doc) == {"report", "title", "year", "region", "level", "date", "speaker", "subtitle", "occasion", "session",
                        "year_source", "baseline", "found", "phrases"} and doc["baseline"] == ["001_753262a5c116b1c6"]
    assert len(doc["phrases"]) == 50 < doc["found"]
    assert set(doc["phrases"][0]) == {"phrase", "count", "section_id", "paragraph", "quoted", "in_heading"}
    assert json.loads(run("new", "002", "--against", "001", "--all", "--json").stdout)["found"] == doc["found"]
    r = run("new", "002", env={"NO_COLOR": "1", "COLUMNS": "80"})
    assert r.exit_code == 0 and "against 1 report, 2023 (001_753262a5c116b1c6)" in r.stdout
    assert run("new", "001").exit_code == 2  # no earlier report of 通化市: one line, a hint
    assert run("new", "002", "--against", "previous", "--against", "001").exit_code == 2
    assert run("new", "nonesuch").exit_code == 2


def test_piped_search_and_verify_are_not_wrapped(seeded_home):
    """Issue 31: to a pipe, a hit's snippet and verify's 原文 are one line each, whatever COLUMNS says,
    so a quote copied from a saved answer is whole."""
    import os

    from tests.conftest import run_cli

    old = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "40"
    try:
        out = run_cli(seeded_home.path, "search", "九解一协调").stdout
        doc = json.loads(run_cli(seeded_home.path, "search", "九解一协调", "--json").stdout)
        quote = "全市在线受理企业“九解一协调”方面各类诉求647件"
        checked = run_cli(seeded_home.path, "verify", quote).stdout
    finally:
        if old is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = old
    lines = out.splitlines()
    for hit in doc["hits"]:
        plain = hit["snippet"]
        assert any(line.strip().replace("〖", "").replace("〗", "") == plain for line in lines), plain
    assert any(line.strip() == f"原文 {quote}" for line in checked.splitlines()), checked
