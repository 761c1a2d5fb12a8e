"""Exact means as printed, on the 59 national reports of ../shared/corpus/lawtext-gov (issue 27):
kwic totals equal `grep -o` over the source files read with the contract's equivalences (the
oracle's own normalization, line by line and paragraph by paragraph), first mentions are real
mentions, and every phrase `new` lists stands in its report as printed."""

import csv
import json
import shutil

import pytest

from tests.conftest import CORPUS, run_cli
from tests.oracle import Oracle, norm, source_paragraphs

pytestmark = [pytest.mark.corpus, pytest.mark.skipif(not CORPUS.is_dir(), reason=f"no shared corpus at {CORPUS}")]


@pytest.fixture(scope="module")
def national(tmp_path_factory):
    from index import Home, ingest

    src = CORPUS / "lawtext-gov"
    folder = tmp_path_factory.mktemp("national")
    with open(src / "MANIFEST.tsv", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f, delimiter="\t") if r["file"].startswith("国务院_")]
    with open(folder / "MANIFEST.tsv", "w", encoding="utf-8", newline="") as f:
        out = csv.DictWriter(f, fieldnames=list(rows[0]), delimiter="\t")
        out.writeheader()
        out.writerows(rows)
    for r in rows:
        shutil.copy(src / r["file"], folder / r["file"])
    home = Home(tmp_path_factory.mktemp("home"))
    assert not ingest(home, [folder]).failed
    yield home, folder
    home.close()


def grep_o(folder, needle: str) -> tuple[int, int]:
    """(line by line, paragraph by paragraph) occurrences over the printed files."""
    lines = paragraphs = 0
    want = norm(needle)
    for path in folder.glob("国务院_*.txt"):
        text = path.read_text(encoding="utf-8-sig")
        lines += sum(norm(line).count(want) for line in text.splitlines())
        paragraphs += sum(norm(p).count(want) for p in source_paragraphs(text))
    return lines, paragraphs


@pytest.mark.parametrize("needle", ["发展经济", "改革开放", "经济发展", "六保", "一带一路", "，进", "稳中求进，以进促稳"])
def test_kwic_totals_equal_grep_over_the_printed_files(national, needle):
    home, folder = national
    got = json.loads(run_cli(home.path, "kwic", needle, "--all", "--json", "--with-duplicates").stdout)
    truth = Oracle(home).counts(needle, with_duplicates=True)
    assert got["total"] == len(got["lines"]) == sum(truth.values())
    assert (got["total"], got["total"]) == grep_o(folder, needle), needle


def test_the_issue_figures(national):
    home, _ = national
    totals = {n: json.loads(run_cli(home.path, "kwic", n, "--all", "--json", "--with-duplicates").stdout)["total"]
              for n in ("发展经济", "经济发展", "改革开放")}
    assert totals == {"发展经济": 70, "经济发展": 461, "改革开放": 319}  # the issue's grep -o counts


def test_first_mention_of_liubao_is_2020(national):
    home, _ = national
    first = json.loads(run_cli(home.path, "trend", "六保", "--first", "--json").stdout)["first"]
    assert [(f["region"], f["year"]) for f in first] == [("全国", 2020)]


@pytest.mark.parametrize("year", [2016, 2019, 2021, 2025])
def test_every_new_phrase_stands_as_printed(national, year):
    home, _ = national
    got = json.loads(run_cli(home.path, "new", f"国务院_{year}", "--json", "--limit", "1000").stdout)
    oracle = Oracle(home)
    assert got["phrases"]
    for p in got["phrases"]:
        assert oracle.count_in(p["phrase"], f"国务院_{year}") == p["count"], p["phrase"]
