"""`baogao compare` as a user meets it: the sides named in a line, exit codes per the contract, an
argument that reads both as a report and as filters refused, and the CSV and the sheet holding the
JSON's rows."""

import csv
import io
import json
import shutil

import pytest

from tests.conftest import SEEDS, run_cli


def test_terminal_names_both_sides_and_the_table(_seeded_home):
    r = run_cli(_seeded_home, "compare", "year:2024", "--reference", "year:2023", "--min-count", "2")
    assert r.returncode == 0, r.stderr
    head = r.stdout.splitlines()[0]
    assert head.startswith("year:2024 (3 reports") and "against year:2023 (2 reports" in head and "used more" in head
    assert "mostly written before 2024 left out" in r.stdout  # a comparison over time
    assert "G²" in r.stdout and "log ratio" in r.stdout


def test_json_counts_are_kwics(_seeded_home):
    doc = json.loads(run_cli(_seeded_home, "compare", "year:2024", "-r", "year:2023", "--min-count", "2", "--json").stdout)
    assert doc["phrases"]
    for p in doc["phrases"][:5]:
        mine = json.loads(run_cli(_seeded_home, "kwic", p["phrase"], "--year", "2024", "--json").stdout)["total"]
        theirs = json.loads(run_cli(_seeded_home, "kwic", p["phrase"], "--year", "2023", "--json").stdout)["total"]
        assert (p["target_count"], p["reference_count"]) == (mine, theirs), p["phrase"]
        assert p["citation"].startswith("2024年") or "2024" in p["citation"]
    rest = json.loads(run_cli(_seeded_home, "compare", "002", "--min-count", "2", "--json").stdout)
    for p in rest["phrases"][:5]:
        everywhere = json.loads(run_cli(_seeded_home, "kwic", p["phrase"], "--json").stdout)["total"]
        mine = json.loads(run_cli(_seeded_home, "kwic", p["phrase"], "--report", "002", "--json").stdout)["total"]
        assert (p["target_count"], p["reference_count"]) == (mine, everywhere - mine), p["phrase"]


@pytest.mark.parametrize("args,code,says", [
    (["year:2030"], 1, "no report matches year:2030"),
    (["year:2024", "-r", "year:2024 region:通化"], 2, "share reports"),
    (["nothing-like-this"], 2, "no report matches 'nothing-like-this'"),
    (["year:2024", "--sort", "size"], 2, "Invalid value"),
    (["year:2024", "--fewer"], 0, ""),  # the rest of the seeds is small enough to draw from
])
def test_exit_codes(_seeded_home, args, code, says):
    r = run_cli(_seeded_home, "compare", *args)
    assert r.returncode == code, (r.stdout, r.stderr)
    assert says in r.stdout + r.stderr
    assert "Traceback" not in r.stderr


def test_an_argument_read_both_ways_is_a_usage_error(_seeded_home, tmp_path):
    home = tmp_path / "home"
    shutil.copytree(_seeded_home, home)
    named = tmp_path / "year:2024.txt"  # a report whose id is also a filter expression
    named.write_text((SEEDS / "000_65f493a2ef3dc65c.txt").read_text(encoding="utf-8") + "\n附：再版。\n", encoding="utf-8")
    assert run_cli(home, "ingest", named).returncode == 0
    r = run_cli(home, "compare", "year:2024")
    assert r.returncode == 2 and "reads both as the report year:2024 and as the filters year:2024" in r.stdout + r.stderr


def test_csv_and_xlsx_hold_the_json_rows(_seeded_home, tmp_path):
    args = ("compare", "year:2024", "-r", "year:2023", "--min-count", "2")
    doc = json.loads(run_cli(_seeded_home, *args, "--json").stdout)
    rows = list(csv.DictReader(io.StringIO(run_cli(_seeded_home, *args, "--csv").stdout)))
    assert [r["phrase"] for r in rows] == [p["phrase"] for p in doc["phrases"]]
    assert [int(r["target_count"]) for r in rows] == [p["target_count"] for p in doc["phrases"]]
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "c.xlsx"
    r = run_cli(_seeded_home, *args, "--xlsx", out)
    assert r.returncode == 0 and r.stdout == f"wrote {len(doc['phrases'])} rows to {out}\n"
    sheet = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    assert [dict(zip(sheet[0], row)) for row in sheet[1:]] == doc["phrases"]
