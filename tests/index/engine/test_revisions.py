"""`diff OLD NEW` (issue 37): a real report changed by hand in known ways is told apart exactly; the
national reports' targets side by side; two transcriptions of one report differ only where their
texts do."""

import shutil

import pytest

from index import Home, diff, ingest
from tests.conftest import SEEDS, needs_corpus

MOVED = "实干筑就伟业，奋斗开创未来。"  # a paragraph of one sentence, moved to another section
ADDED = "桦甸市将继续深化九解一协调工作机制。"


def edited(text: str) -> str:
    """Seed 000 with five changes: one paragraph moved, one figure and one word changed, one sentence
    deleted, one added."""
    lines = text.split("\n")
    assert lines.count(MOVED) == 1
    lines.remove(MOVED)
    target = next(k for k, line in enumerate(lines) if line.startswith("筑巢引凤"))  # another section's heading
    lines.insert(target + 2, MOVED)
    out = "\n".join(lines)
    assert out.count("103.5万人次") == 1 and out.count("奋发进取") == 1 and out.count("这是大道至简、实干为要的一年。") == 1
    out = out.replace("103.5万人次", "130.5万人次")  # a figure
    out = out.replace("奋发进取", "奋勇进取")  # a word
    out = out.replace("这是大道至简、实干为要的一年。", "")  # a sentence deleted
    return out + "\n\n" + ADDED + "\n"  # a paragraph of its own at the end


@pytest.fixture()
def two_versions(_seeded_home, tmp_path):
    home_dir = tmp_path / "home"
    shutil.copytree(_seeded_home, home_dir)
    copy = tmp_path / "桦甸_改.txt"
    copy.write_text(edited((SEEDS / "000_65f493a2ef3dc65c.txt").read_text(encoding="utf-8")), encoding="utf-8")
    home = Home(home_dir)
    assert not ingest(home, [copy]).failed
    yield home
    home.close()


def test_known_changes_are_told_exactly(two_versions):
    r = diff(two_versions, "000_65f493a2ef3dc65c", "桦甸_改")
    kinds = {}
    for p in r.pairs:
        kinds.setdefault(p.kind, []).append(p)
    assert {k: len(v) for k, v in kinds.items() if k != "same"} == {"moved": 1, "changed": 2, "removed": 1, "added": 1}
    assert kinds["moved"][0].new_text == MOVED and kinds["moved"][0].old_section != kinds["moved"][0].new_section
    assert sorted(d for p in kinds["changed"] for d in p.differences) == [("figure", "103.5", "130.5"),
                                                                          ("wording", "发", "勇")]
    assert kinds["removed"][0].old_text == "这是大道至简、实干为要的一年。"
    assert ADDED in kinds["added"][0].new_text
    s = r.summary
    assert (s.sentences_changed, s.sentences_added, s.sentences_removed, s.sentences_moved) == (2, 1, 1, 1)
    assert [(o, n) for o, n, _ in s.figures] == [("103.5", "130.5")] and "累计接待游客" in s.figures[0][2]
    assert not s.sections_added and not s.sections_removed


def test_a_report_against_itself_is_all_same(shared_home):
    r = diff(shared_home, "002", "002")
    assert r.pairs and all(p.kind == "same" for p in r.pairs)


@needs_corpus()
def test_national_targets_side_by_side_and_transcriptions(corpus_home):
    r = diff(corpus_home, "国务院_2024", "国务院_2025")
    targets = {t.indicator: t for t in r.summary.targets}
    assert (targets["cpi"].old, targets["cpi"].new) == ("3%左右", "2%左右")
    assert (targets["deficit_ratio"].old, targets["deficit_ratio"].new) == ("3%", "4%左右")
    assert targets["gdp"].unchanged and targets["gdp"].new == "5%左右"
    assert targets["urban_jobs"].unchanged and targets["urban_jobs"].new == "1200万人以上"
    assert ("3%", "2%") in {(o, n) for o, n, _ in r.summary.figures}
    # the same report in another transcription: nothing changed but what the two texts print apart
    copy = diff(corpus_home, "国务院_2024", "国务院政府工作报告_2024")
    same = sum(p.kind == "same" for p in copy.pairs)
    changed = [p for p in copy.pairs if p.kind == "changed"]
    assert same > 400 and len(changed) <= 3, [p.differences for p in changed]
    for p in changed:
        assert p.old_text != p.new_text and p.differences


def test_a_figures_context_is_read_where_it_stands(tmp_path):
    """A changed figure's context is the text before it where it stands, not before the first equal
    figure in the sentence; a figure the new sentence drops takes its context from the old one."""
    old, new = tmp_path / "甲市_2024.txt", tmp_path / "甲市_2025.txt"
    old.write_text("工作目标\n\n全市生产总值增长5%以上，物价涨幅3%左右，居民收入实际增长6.5%。\n", encoding="utf-8")
    new.write_text("工作目标\n\n全市生产总值增长5%以上，物价涨幅5%左右，居民收入实际增长。\n", encoding="utf-8")
    home = Home(tmp_path / "home")
    try:
        assert not ingest(home, [old, new]).failed
        figures = diff(home, "甲市_2024", "甲市_2025").summary.figures
    finally:
        home.close()
    assert [(o, n) for o, n, _ in figures] == [("3%", "5%"), ("6.5%", "")]
    assert figures[0][2].endswith("物价涨幅") and figures[1][2].endswith("居民收入实际增长")
