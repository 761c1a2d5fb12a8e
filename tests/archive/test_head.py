"""What a report is: its real title, subtitle, speaker, date, occasion and session, read from its head;
the NPC session table."""

import re

from archive import find_files, parse_file, parse_text
from archive.metadata import delivery, is_delivery_line, npc_session_year, session_year, speaker
from tests.conftest import CORPUS, needs_corpus

HEAD_1985 = ("1985年政府工作报告\n当前的经济形势和经济体制改革\n——1985年3月27日在第六届全国人民代表大会第三次会议上\n"
             "国务院总理　赵紫阳\n各位代表：\n刚刚过去的1984年，是我国各族人民在实现八十年代以来的各项任务中取得巨大成就的一年。\n")


def test_the_title_is_the_heading_line_not_the_speaker():
    r = parse_text(HEAD_1985, report_id="国务院_1985", meta={})
    assert r.title == "1985年政府工作报告"
    assert r.subtitle == "当前的经济形势和经济体制改革"
    assert r.speaker == "国务院总理 赵紫阳"
    assert (r.date, r.occasion) == ("1985-03-27", "第六届全国人民代表大会第三次会议")
    assert r.session == "第六届全国人民代表大会第三次会议"
    assert all(p.text != r.title for s in r.sections for p in s.paragraphs)  # not a dimmed caption too


def test_a_section_heading_after_the_title_is_no_subtitle(seed_reports):
    """The seed newspaper pages head their first section 写在前面: a heading, not the title's subtitle."""
    r = parse_text("桦甸市：擘画高质量发展精彩画卷\n写在前面\n实干筑就伟业，奋斗开创未来。\n", report_id="z", meta={})
    assert r.subtitle is None
    assert seed_reports["000"].subtitle is None


def test_a_dateline_and_a_footnote_are_never_the_title():
    r = parse_text("新华社北京2008年3月19日电\n政府工作报告\n——2008年3月5日在第十一届全国人民代表大会第一次会议上\n"
                   "国务院总理　温家宝\n各位代表：\n", report_id="x", meta={})
    assert (r.title, r.speaker, r.date) == ("政府工作报告", "国务院总理 温家宝", "2008-03-05")
    assert parse_text("# 1964年政府工作报告[^1]\n\n正文。\n", report_id="y", meta={}).title == "1964年政府工作报告"


def test_speaker_and_delivery_lines():
    assert speaker("国务院副总理兼国家计划委员会主任　李富春") == "国务院副总理兼国家计划委员会主任 李富春"
    assert speaker("政府工作报告") is None
    assert delivery("——1981年11月30日和12月1日在第五届全国人民代表大会第四次会议上")["date"] == "1981-11-30"
    assert delivery("——1 9 9 8 年3 月5 日在第九届全国人民代表大会第一次会议上")["date"] == "1998-03-05"
    assert not is_delivery_line("2002年3月26日在拉萨市第七届人民代表大会第六次会议上的政府工作报告")


def test_the_session_table():
    assert [npc_session_year(1, n) for n in range(1, 6)] == [1954, 1955, 1956, 1957, 1958]
    assert [npc_session_year(2, n) for n in range(1, 5)] == [1959, 1960, 1962, 1963]
    assert (npc_session_year(3, 1), npc_session_year(4, 1)) == (1964, 1975)
    assert (npc_session_year(5, 1), npc_session_year(10, 2), npc_session_year(14, 2)) == (1978, 2004, 2024)
    assert session_year("第十届全国人民代表大会第二次会议") == 2004
    assert session_year("吉林省第十四届人民代表大会第二次会议") is None  # a province's congress


def test_a_resolution_gets_its_year_from_its_session():
    r = parse_text("第十届全国人民代表大会第二次会议关于政府工作报告的决议\n\n会议同意这个报告。\n",
                   report_id="人大决议_第十届全国人民代表大会第二次会议关于政府工作报告的决议", meta={})
    assert (r.year, r.year_source) == (2004, "session")


def _bad_title(t: str) -> str | None:
    if t.startswith("新华社"):
        return "dateline"
    if speaker(t):
        return "speaker line"
    if is_delivery_line(t):
        return "delivery line"
    if "[^" in t or re.search(r"</?[A-Za-z]|\*\*|^#|\]\(", t):
        return "markup"
    return None


@needs_corpus()
def test_corpus_heads():
    reports = [parse_file(f) for f in find_files(CORPUS) if f.suffix in (".txt", ".md") and f.name != "SOURCES.md"]
    bad = [(r.id, r.title, _bad_title(r.title)) for r in reports if _bad_title(r.title)]
    assert bad == []
    # National work reports 1954–2026 print a delivery line and a speaker line in their head, except
    # wikisource's transcriptions (they begin at 各位代表) and these, whose text prints none or only one.
    printed_none = {"国务院_1964-part": {"speaker"}}  # a date line and an editor's note, no speaker line
    national = [r for r in reports if r.level == "national" and "wikisource" not in r.path
                and re.match(r"(国务院_|\d{4}政府工作报告)", r.id)]
    assert len(national) >= 100
    for r in national:
        for field in ("date", "speaker"):
            if field not in printed_none.get(r.id, ()):
                assert getattr(r, field), (r.id, field)
    # The session table agrees with every national delivery line the corpus prints.
    for r in reports:
        if r.date and session_year(r.session):
            assert session_year(r.session) == int(r.date[:4]), (r.id, r.session, r.date)
    resolutions = [r for r in reports if r.id.startswith("人大决议_")]
    assert len(resolutions) >= 14
    for r in resolutions:
        assert (r.year, r.year_source) == (session_year(r.id), "session"), r.id
    wiki_2006 = next(r for r in reports if r.id == "国务院政府工作报告_2006")
    assert "国务院制定了《国民经济和社会发展第十一个五年规划纲要（草案）》" in "".join(
        p.text for s in wiki_2006.sections for p in s.paragraphs)
