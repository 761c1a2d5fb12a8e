"""Cleaning drops only true repeats: a line printed again next to itself or within a repeated block."""

import pytest

from archive import parse_file
from archive.cleaning import clean
from tests.conftest import CORPUS, needs_corpus

LONG = "这是一个足够长的段落，用来检验清理规则是否只删除真正的重复内容。"
OTHER = "另外一个足够长的段落，内容不同，也不会被当作重复而被删除掉的。"
THIRD = "第三个足够长的段落，同样有二十个字以上，用于组成一个重复的块。"


def texts(text: str) -> list[str]:
    return [b.text for b in clean(text).blocks]


def test_a_line_named_again_far_away_stays():
    name = "国民经济和社会发展第十一个五年规划纲要（草案）"
    text = "\n\n".join(["某年政府工作报告", "三、关于《", name, "》的说明", LONG, OTHER, THIRD, "国务院制定了《", name,
                         "》，已提请大会审议。"])
    assert "\n".join(texts(text)).count(name) == 2
    assert clean(text).duplicates_dropped == 0
    # and a line broken at a bracket is joined (Wikisource's links), the heading staying a line of its own
    assert f"三、关于《{name}》的说明" in texts(text) and f"国务院制定了《{name}》，已提请大会审议。" in texts(text)


def test_a_paragraph_next_to_itself_is_dropped():
    cleaned = clean("\n\n".join([LONG, LONG, OTHER]))
    assert [b.text for b in cleaned.blocks] == [LONG, OTHER]
    assert cleaned.duplicates_dropped == 1


def test_a_report_printed_twice_keeps_one_copy():
    once = [LONG, OTHER, THIRD]
    between = "附：另一段不同的文字，足够长，二十个字以上的内容。"
    cleaned = clean("\n\n".join(once + [between, "二、", between.replace("另", "又"), "三、"] + once))
    assert [b.text for b in cleaned.blocks].count(THIRD) == 1
    assert cleaned.duplicates_dropped == 3


def test_table_rows_are_never_repeats():
    row = "| 其中：住宅                                   |"
    assert texts("\n".join([row, row, row])).count(row.strip()) >= 1
    assert clean("\n".join([row, row])).duplicates_dropped == 0


@needs_corpus()
def test_wikisource_2006_keeps_the_plan_named_twice():
    r = parse_file(CORPUS / "wikisource-national" / "国务院政府工作报告_2006.txt")
    text = "".join(p.text for s in r.sections for p in s.paragraphs)
    assert "国务院制定了《国民经济和社会发展第十一个五年规划纲要（草案）》" in text
    assert "国务院制定了《》" not in text


def test_a_line_of_zero_width_spaces_breaks_nothing():
    """A transcription's stray U+200B on a line of its own (国务院政府工作报告_2021: 今年预期目标设定 / ​ /
    为6%以上): the sentence is one paragraph, however short its first part; a real blank line still
    ends a paragraph that ends a sentence."""
    text = "某年政府工作报告\n\n经济增速是综合性指标，今年预期目标设定\n\u200b\n为6%以上，考虑了经济运行恢复情况。\n\n另起一段。\n"
    assert texts(text)[1:] == ["经济增速是综合性指标，今年预期目标设定为6%以上，考虑了经济运行恢复情况。", "另起一段。"]


@pytest.mark.parametrize("text,blocks", [
    # a wrongly turned quote after a heading or a finished sentence starts a paragraph (九五计划纲要)
    ("十一、促进祖国和平统一大业\n\n”九五”期间，我国将对香港恢复行使主权。",
     ["十一、促进祖国和平统一大业", "”九五”期间，我国将对香港恢复行使主权。"]),
    ("对国民经济发展起了重要作用。\n\n”八五”国民经济和社会发展中存在的主要问题是很多的。",
     ["对国民经济发展起了重要作用。", "”八五”国民经济和社会发展中存在的主要问题是很多的。"]),
    # a stray opening bracket never swallows the numbered heading under it (合肥 2007)
    ("全年完成投资13亿元。（\n\n（二）加快发展县域经济，扎实推进社会主义新农村建设。紧紧围绕目标。",
     ["全年完成投资13亿元。（", "（二）加快发展县域经济，扎实推进社会主义新农村建设。紧紧围绕目标。"]),
    # a quotation cut at its link closes where it was opened; a lone （ joins its numbered heading
    ("还改名“\n\n城市老爷卫生部\n\n”，以示批评。", ["还改名“城市老爷卫生部”，以示批评。"]),
    ("（\n\n三）改革开放持续深化、互促共进。", ["（三）改革开放持续深化、互促共进。"]),
    # lines with no blank between (read as captions) are joined at a bracket too (国务院政府工作报告_2004)
    ("》和配套措施。《\n法律援助条例\n》的实施，为困难群众提供了帮助。", ["》和配套措施。《法律援助条例》的实施，为困难群众提供了帮助。"]),
])
def test_brackets_and_quotes_cut_by_a_line_break(text, blocks):
    assert texts("某年政府工作报告\n\n" + text)[1:] == blocks
