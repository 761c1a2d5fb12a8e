"""Duplicate detection on the shared corpus (issue 29): every pair of transcriptions it folded stays
folded, and two different texts — the 2014 and 2015 NPC resolutions on the work report, whose sketches
score 0.50 — are not. Sketches and texts are computed from the files, as an ingest's workers do."""

import csv
from pathlib import Path

import pytest

from tests.conftest import CORPUS, needs_corpus

FOLDED = Path(__file__).with_name("duplicates_folded.tsv")
RESOLUTIONS = {2014: "wikisource-national/人大决议_第十二届全国人民代表大会第二次会议关于政府工作报告的决议.txt",
               2015: "wikisource-national/人大决议_第十二届全国人民代表大会第三次会议关于政府工作报告的决议.txt"}


def _listed() -> dict[str, str]:
    with open(FOLDED, encoding="utf-8", newline="") as f:
        rows = csv.DictReader((line for line in f if not line.startswith("#")), delimiter="\t")
        return {row["duplicate"]: row["original"] for row in rows}


def _fold(names: list[str]) -> dict[str, str]:
    """duplicate → original, each file compared with the originals before it (the ingest's rule)."""
    from archive import parse_file
    from index.writing import duplicates
    from index.writing.workers import prepare

    texts, sketches = {}, {}
    for name in names:
        prepared = prepare(parse_file(CORPUS / name), 0, ())
        texts[name], sketches[name] = "\n".join(prepared.normalized), prepared.sketch
    originals = duplicates.Originals(texts.__getitem__)
    folded = {}
    for name in names:
        match = originals.original_of(name, sketches[name])
        if match:
            folded[name] = match[0]
        else:
            originals.add(name, sketches[name])
    return folded


@pytest.mark.slow
@needs_corpus()
def test_transcriptions_stay_folded_and_the_resolutions_of_2014_and_2015_do_not():
    listed = _listed()
    assert len(listed) == 167
    resolutions = sorted(str(p.relative_to(CORPUS)) for p in (CORPUS / "wikisource-national").glob("人大决议_*.txt"))
    assert set(RESOLUTIONS.values()) <= set(resolutions)
    folded = _fold(sorted(set(listed) | set(listed.values()) | set(resolutions)))
    assert {d: o for d, o in folded.items() if d in listed} == listed  # each to the same original
    assert folded.keys() <= listed.keys(), {d: folded[d] for d in folded.keys() - listed.keys()}


@needs_corpus()
def test_a_phrase_both_resolutions_hold_counts_in_both(tmp_path):
    from index import Home, ingest, search

    files = [CORPUS / name for name in RESOLUTIONS.values()]
    phrase = "坚持稳中求进工作总基调"
    truth = [f.read_text(encoding="utf-8").count(phrase) for f in files]
    assert truth == [1, 1]
    home = Home(tmp_path / "home")
    try:
        assert not ingest(home, files).failed
        found = search(home, phrase, exact=True, limit=None)
        assert (found.total, found.occurrences) == (2, sum(truth))
        assert sorted(h.report for h in found.hits) == sorted(f.stem for f in files)
    finally:
        home.close()
