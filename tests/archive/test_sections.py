"""The seeds parse into the headings, kinds and repairs a careful reader sees."""

import pytest

from archive import parse_text


def headings(report):
    return [s.heading for s in report.sections]


def section(report, heading):
    found = [s for s in report.sections if s.heading == heading]
    assert found, f"no section {heading!r} in {headings(report)}"
    return found[0]


def kind_of(report, text):
    for s in report.sections:
        for p in s.paragraphs:
            if text in p.text:
                return p.kind
    raise AssertionError(f"{text!r} not found")


def all_text(report):
    return "\n".join(p.text for s in report.sections for p in s.paragraphs)


def test_000_intro_and_subheads(seed_reports):
    r = seed_reports["000"]
    assert r.title == "桦甸市：擘画高质量发展精彩画卷"
    assert headings(r) == ["写在前面", "稳中有进 经济发展势头强劲", "筑巢引凤 精细化服务助企发展",
                           "精雕细琢 城乡面貌日新月异", "聚焦民生 提升群众幸福指数"]
    assert all(s.level == 1 for s in r.sections)
    assert (r.region, r.year, r.level) == ("桦甸市", 2023, "county")


def test_000_repaired_line_break(seed_reports):
    intro = section(seed_reports["000"], "写在前面")
    joined = [p for p in intro.paragraphs if "吉林市外五县排名第1位" in p.text]
    assert len(joined) == 1
    assert joined[0].text.startswith("这是号角铮铮")
    assert joined[0].line == 13  # the citation leads back to where the paragraph starts


@pytest.mark.parametrize("text,kind", [
    ("桦甸金城广场。", "caption"),
    ("延长高速蒲烟桦甸段建成通车。", "caption"),
    ("桦甸森林慢谷。", "caption"),
    ("(本版图片为资料图片)", "caption"),
    ("本版撰稿：丁美佳 冯荟羽", "byline"),
])
def test_000_kinds(seed_reports, text, kind):
    assert kind_of(seed_reports["000"], text) == kind


def test_001_headings_and_kinds(seed_reports):
    r = seed_reports["001"]
    assert r.title == "“拼”的精神 “抢”的意识 “争”的劲头"
    h = headings(r)
    assert h[1] == "写在前面"
    for sub in ("深学细悟 笃行实干", "稳扎稳打 量质并举", "三大产业 “千亿”攻坚", "深化改革 扩大开放", "绿色发展 生态文明",
                "民族团结 安定繁荣", "守正创新 自信自强", "民生保障 惠民利民", "从严治党 执政为民", "服务“三农” 振兴乡村"):
        assert sub in h
    assert len(h) == 12  # the title section (subtitle + byline), 写在前面 and ten subheads
    assert "学以致用,思则有备。" not in h
    assert kind_of(r, "本报记者 李铭 王忠先 裴虹葶") == "byline"
    assert kind_of(r, "中共通化市委八届五次全会会场。 庄新岩 摄") == "caption"
    assert r.authors[:3] == ("李铭", "王忠先", "裴虹葶")
    assert r.region == "通化市"


def test_002_markdown_nesting(seed_reports):
    r = seed_reports["002"]
    assert r.title == "一图读懂 通化市政府工作报告"
    h = headings(r)
    assert "2023年工作回顾" in h and "2024年工作安排" in h
    assert h.count("社会治理和稳定") == 2  # headings are never dropped as duplicates
    plan = section(r, "2024年工作安排")
    numbered = [s for s in r.sections if s.heading.startswith("(")]
    assert [s.heading[:3] for s in numbered] == [f"({c})" for c in "一二三四五六七八九"]
    for s in numbered:
        assert s.path[:-1] == plan.path and s.level == plan.level + 1
    assert numbered[0].heading == "(一) 凝心聚力抓经济稳增长"
    # markdown markup is gone, the words stay
    text = all_text(r)
    assert "**" not in text and "▶" not in text and "预计地区生产总值增长 6% 左右" in text
    assert kind_of(r, "鑫鸿新材料产业基地") == "caption"


def test_003_articles_and_ocr_gap(seed_reports):
    r = seed_reports["003"]
    assert [h for h in headings(r) if h != r.title] == [
        "镇赉县扎实推进工业经济高质量发展", '践行"枫桥经验" 化解跨界纠纷', '劳务输出"点对点" 就业服务心连心']
    assert "吉林协联柠檬酸项目" in all_text(r)
    assert kind_of(r, "本刊主编 李洪岩") == "byline"
    assert r.region == "镇赉县"


def test_004_plan_with_ten_subsections(seed_reports):
    r = seed_reports["004"]
    plan = section(r, "二、2024年工作安排")
    subs = [s for s in r.sections if s.path[:1] == plan.path and s.level == 2]
    assert len(subs) == 10
    assert subs[0].heading == "(一)聚焦打造现代零碳基地,着力推动产业结构调整。"  # as printed, its 。 too
    assert subs[0].paragraphs[0].text.startswith("紧抓投资我省构建")
    article = section(r, "东丰县以新作为开创高质量发展新局面")
    assert article.level == 1
    assert kind_of(r, "(上接第一版)") == "note"
    assert kind_of(r, "(新华社兰州1月13日电)") == "note"
    assert kind_of(r, "本报记者 李及甫") == "byline"
    assert (r.region, r.year) == ("辽源市", 2024)


def test_004_duplicates_dropped(seed_reports):
    r = seed_reports["004"]
    text = all_text(r)
    assert r.duplicates_dropped == 4
    assert text.count("推动农产品加工全产业链发展。树立大农业观") == 1
    assert text.count("然而,在少数地区,这些年上马了一些冰雪项目") == 1


def test_no_caption_or_byline_is_a_heading(seed_reports):
    for r in seed_reports.values():
        for s in r.sections:
            assert not s.heading.endswith("摄")
            assert not s.heading.startswith(("本报记者", "本版撰稿", "本刊主编"))
            assert s.heading not in ("桦甸金城广场。", "鑫鸿新材料产业基地")


def test_a_numbered_heading_keeps_its_full_stop():
    """The contract's example: a run-in heading is a line of its own, its 。 printed with it, so a
    quote or a count ending there finds it (`坚定不移抓投资上项目。`); the same alone on its line."""
    r = parse_text("某市政府工作报告\n\n一、今年的工作\n\n（一）坚定不移抓投资上项目。骨干企业引领带动。全年新开工项目一百个。\n\n"
                   "（二）大力发展实体经济。\n\n围绕重点产业链推进招商。\n", report_id="x")
    run_in, alone = (s for s in r.sections if s.heading.startswith(("（一）", "（二）")))
    assert run_in.heading == "（一）坚定不移抓投资上项目。"
    assert run_in.paragraphs[0].text == "骨干企业引领带动。全年新开工项目一百个。"
    assert alone.heading == "（二）大力发展实体经济。" and alone.paragraphs[0].text == "围绕重点产业链推进招商。"


def test_short_sentence_is_not_a_heading():
    r = parse_text("标题行\n\n学以致用,思则有备。\n\n正文第一段，内容足够长而且以句号结束。\n", report_id="x")
    assert "学以致用,思则有备。" not in headings(r)


def test_filename_metadata():
    r = parse_text("通化市政府工作报告\n\n一、2022年工作回顾\n\n正文。\n", report_id="地市_通化市_2023")
    assert (r.region, r.year, r.level) == ("通化市", 2023, "city")
    r = parse_text("标题\n\n正文。\n", report_id="主要城市_上海市_2025")
    assert r.level == "provincial"
    r = parse_text("标题\n\n正文。\n", report_id="国务院_2024")
    assert (r.level, r.year) == ("national", 2024)
