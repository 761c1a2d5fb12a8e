"""Sidecars and odd files, through the command line (issue 29): a TSV sidecar's `"` is a character,
a title keeps its ASCII quotes, a report of one line is searchable, and two different texts are
never folded as duplicates."""

import json

import pytest

from tests.conftest import CORPUS, needs_corpus, run_cli

BODY = "一、总体要求\n\n要坚持稳中求进工作总基调，推动高质量发展。\n"


def _listed(home) -> dict[str, dict]:
    r = run_cli(home, "list", "--json")
    assert r.returncode == 0, r.stdout + r.stderr
    return {row["id"]: row for row in json.loads(r.stdout)}


def test_tsv_with_an_unbalanced_quote_gives_every_row_its_own_values(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("bad", "good", "last"):
        (folder / f"{name}.txt").write_text(f"{name}报告\n\n" + BODY, encoding="utf-8")
    (folder / "MANIFEST.tsv").write_text(
        "file\ttitle\tregion\tyear\n"
        'bad.txt\t"十四五规划\t上海市\t2021\n'  # one `"`, never closed: a CSV reader swallowed the rows below
        "good.txt\t好报告\t北京市\t2022\n"
        'last.txt\t引号"在中间\t天津市\t2023\n', encoding="utf-8")
    home = tmp_path / "home"
    r = run_cli(home, "ingest", str(folder))
    assert r.returncode == 0, r.stdout + r.stderr
    rows = _listed(home)
    got = {i: (rows[i]["title"], rows[i]["region"], rows[i]["year"]) for i in rows}
    assert got == {"bad": ('"十四五规划', "上海市", 2021), "good": ("好报告", "北京市", 2022),
                   "last": ('引号"在中间', "天津市", 2023)}


def test_a_csv_sidecar_keeps_csv_quoting(tmp_path):
    """A .csv is CSV: a quoted field may hold a comma, and a doubled quote is one quote."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("规划纲要\n\n" + BODY, encoding="utf-8")
    (folder / "metadata.csv").write_text('file,title,region\na.txt,"""十四五""规划，纲要, 解读",北京市\n', encoding="utf-8")
    home = tmp_path / "home"
    assert run_cli(home, "ingest", str(folder)).returncode == 0
    row = _listed(home)["a"]
    assert (row["title"], row["region"]) == ('"十四五"规划，纲要, 解读', "北京市")


@pytest.mark.parametrize("where", ["sidecar", "first line"])
def test_a_title_starting_with_ascii_quotes_keeps_them(tmp_path, where):
    title = '"十四五"规划纲要解读'
    folder = tmp_path / "in"
    folder.mkdir()
    if where == "sidecar":
        (folder / "a.txt").write_text("规划纲要\n\n" + BODY, encoding="utf-8")
        (folder / "MANIFEST.tsv").write_text(f"file\ttitle\na.txt\t{title}\n", encoding="utf-8")
    else:
        (folder / "a.txt").write_text(f"{title}\n\n" + BODY, encoding="utf-8")
    home = tmp_path / "home"
    assert run_cli(home, "ingest", str(folder)).returncode == 0
    assert _listed(home)["a"]["title"] == title
    shown = run_cli(home, "show", "a")
    assert shown.returncode == 0 and shown.stdout.splitlines()[0].startswith(title), shown.stdout
    found = run_cli(home, "search", "-e", '"十四五"', "--json")  # the title is searchable, quotes and all
    assert found.returncode == 0, found.stdout + found.stderr
    assert [(h["report"], h["count"]) for h in json.loads(found.stdout)["hits"]] == [("a", 1)]


ONE_LINERS = {
    "title-like": ("坚持稳中求进工作总基调", "稳中求进"),
    "sentence": ("只有一行的报告：坚持稳中求进工作总基调，推动高质量发展。", "高质量发展"),
    "numbered": ("一、坚持稳中求进。要推动高质量发展。", "高质量发展"),
    "long": ("全面贯彻党的二十大精神，" * 8 + "打响人参产业高质量发展突围战。", "人参产业"),
    "quoted": ('"十四五"规划纲要', "十四五"),
    "no newline": ("2024年政府工作报告", "政府工作"),
}


@pytest.mark.parametrize("kind", list(ONE_LINERS))
def test_a_report_of_one_line_is_one_section_with_its_line_searchable_once(tmp_path, kind):
    line, needle = ONE_LINERS[kind]
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "one.txt").write_text(line + ("" if kind == "no newline" else "\n"), encoding="utf-8")
    home = tmp_path / "home"
    assert run_cli(home, "ingest", str(folder)).returncode == 0
    listed = _listed(home)["one"]
    assert (listed["title"], listed["sections"]) == (line, 1)
    r = run_cli(home, "search", "-e", needle, "--json")
    assert r.returncode == 0, r.stdout + r.stderr
    out = json.loads(r.stdout)
    assert (out["total"], out["occurrences"]) == (1, line.count(needle))  # the line once, not title + paragraph
    assert out["hits"][0]["section_id"] == 1
    shown = run_cli(home, "show", "one", "1")
    assert shown.returncode == 0 and line in shown.stdout, shown.stdout
    verdict = run_cli(home, "verify", line, "--json")
    assert verdict.returncode == 0, verdict.stdout
    match = json.loads(verdict.stdout)["matches"][0]
    assert (match["report"], match["section_id"], match["paragraph"]) == ("one", 1, 0)  # the heading line


def _resolutions() -> list:
    names = ["人大决议_第十二届全国人民代表大会第二次会议关于政府工作报告的决议.txt",  # 2014
             "人大决议_第十二届全国人民代表大会第三次会议关于政府工作报告的决议.txt"]  # 2015
    return [CORPUS / "wikisource-national" / n for n in names]


@needs_corpus()
def test_the_2014_and_2015_npc_resolutions_are_two_reports_a_shared_phrase_counts_in_both(tmp_path):
    """Two short texts around the same boilerplate (8-gram resemblance 0.49): not transcriptions of
    one text, so neither is folded under the other."""
    home = tmp_path / "home"
    files = _resolutions()
    r = run_cli(home, "ingest", *map(str, files))
    assert r.returncode == 0, r.stdout + r.stderr
    listed = _listed(home)
    assert sorted(listed) == sorted(f.stem for f in files)
    assert [row.get("duplicate_of") for row in listed.values()] == [None, None]
    phrase = "坚持稳中求进工作总基调"
    truth = sum(f.read_text(encoding="utf-8").count(phrase) for f in files)
    assert truth == 2
    found = run_cli(home, "search", "-e", phrase, "--json")
    assert found.returncode == 0, found.stdout + found.stderr
    out = json.loads(found.stdout)
    assert (out["total"], out["occurrences"]) == (2, truth)
    assert sorted(h["report"] for h in out["hits"]) == sorted(f.stem for f in files)
    trend = json.loads(run_cli(home, "trend", phrase, "--json").stdout)
    assert {b["key"]: b["count"] for b in trend["terms"][0]["buckets"]} == {"2014": 1, "2015": 1}
